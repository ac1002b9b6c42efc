import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authenticated, OpenDuringMfaEnrolment } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { LoginRoute } from 'src/rate-limit/login-route.decorator';
import { AuthError, AuthErrorCode } from '../auth.error';
import { ChangePasswordDto, CompleteResetDto } from '../dto/login.dto';
import { PasswordChangeService } from './password-change.service';

const RULES =
  'A new password breaks a rule: 422 naming it (password-too-short, password-contains-email, password-common, password-too-weak).';

@ApiTags('auth')
@Controller('v1/auth/password')
export class PasswordsController {
  constructor(private readonly passwords: PasswordChangeService) {}

  @Post()
  @HttpCode(204)
  @Authenticated()
  @OpenDuringMfaEnrolment()
  @ApiOperation({
    summary: "Change the caller's own password",
    description:
      'Access rule: any admin user, for itself (API keys get 403). Needs the current password; every other session of the user ends.',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiUnprocessableEntityResponse({
    description: `Wrong current password (wrong-password). ${RULES}`,
  })
  async change(@ReqContext() ctx: RequestContext, @Body() body: ChangePasswordDto): Promise<void> {
    const caller = ctx.caller;
    if (caller?.kind !== 'user') {
      throw new AuthError(AuthErrorCode.Forbidden, 'Only admin users have passwords.');
    }
    await this.passwords.change(
      ctx,
      caller.id,
      caller.sessionId,
      body.currentPassword,
      body.newPassword,
    );
  }

  @Post('reset')
  @HttpCode(204)
  @LoginRoute()
  @ApiOperation({
    summary: 'Set a new password with the token of an admin-initiated reset',
    description: 'Access rule: anyone holding a reset token; the token works once.',
  })
  @ApiNoContentResponse({ description: 'Set; log in with the new password' })
  @ApiUnauthorizedResponse({ description: 'Unknown, used or expired token (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: RULES })
  async reset(@ReqContext() ctx: RequestContext, @Body() body: CompleteResetDto): Promise<void> {
    await this.passwords.completeReset(ctx, body.resetToken, body.newPassword);
  }
}
