import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated, OpenDuringMfaEnrolment } from 'src/common/access/access.decorator';
import { Caller } from 'src/common/access/caller';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { AuthError, AuthErrorCode } from '../auth.error';
import { SessionListDto } from '../dto/session.dto';
import { SessionManagementService } from './session-management.service';

type UserCaller = Extract<Caller, { kind: 'user' }>;

function userOf(ctx: RequestContext): UserCaller {
  if (ctx.caller?.kind !== 'user') {
    throw new AuthError(AuthErrorCode.Forbidden, 'Only admin users have sessions.');
  }
  return ctx.caller;
}

@ApiTags('auth')
@Controller('v1/auth/sessions')
@Authenticated()
@OpenDuringMfaEnrolment()
export class SessionsController {
  constructor(private readonly sessions: SessionManagementService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's open sessions, most recently used first",
    description: 'Access rule: any admin user (its own sessions); API keys get 403.',
  })
  @ApiOkResponse({ type: SessionListDto })
  list(@ReqContext() ctx: RequestContext): Promise<SessionListDto> {
    const caller = userOf(ctx);
    return this.sessions.listOwn(caller.id, caller.sessionId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: "End one of the caller's sessions; its tokens stop working at once",
    description: 'Access rule: any admin user, for its own sessions only (404 for any other).',
  })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiNotFoundResponse({ description: 'No such open session of the caller (problem+json)' })
  async revoke(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.sessions.endOwn(ctx, userOf(ctx).id, id);
  }

  @Post('revoke-others')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End every session of the caller but this one',
    description: 'Access rule: any admin user.',
  })
  @ApiNoContentResponse({ description: 'Ended' })
  async revokeOthers(@ReqContext() ctx: RequestContext): Promise<void> {
    const caller = userOf(ctx);
    await this.sessions.endOthers(ctx, caller.id, caller.sessionId);
  }
}
