import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { AuthError, AuthErrorCode } from '../auth.error';
import { CreateUserDto, UpdateUserDto, UserDetailsDto, UserDto } from '../dto/admin.dto';
import { AdminUserEntity } from '../entities/admin-user.entity';
import { SessionManagementService } from '../sessions/session-management.service';
import { AdminUsersService } from './admin-users.service';

export function toUserDetails(user: AdminUserEntity, secondFactor: boolean): UserDetailsDto {
  return {
    id: user.id,
    email: user.email,
    roles: user.roles,
    disabled: user.disabledAt !== null,
    secondFactor,
    createdAt: user.createdAt.toISOString(),
  };
}

@ApiTags('admin')
@Controller('v1/admin/users')
@Access({ roles: ['admin'] })
export class AdminUsersController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly sessions: SessionManagementService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create an admin user (roles admin, dpo, auditor)',
    description: 'Access rule: role admin.',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'The e-mail address is taken' })
  async create(@ReqContext() ctx: RequestContext, @Body() body: CreateUserDto): Promise<UserDto> {
    const user = await this.users.create(ctx, body);
    return { id: user.id, email: user.email, roles: user.roles };
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a user's roles or disable / enable the user",
    description:
      "Access rule: role admin. Applies to the user's very next request, not at token expiry; disabling ends every session of the user. The last enabled admin cannot lose the role or be disabled (422).",
  })
  @ApiOkResponse({ type: UserDetailsDto })
  @ApiNotFoundResponse({ description: 'No such user (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: 'It would leave no enabled admin' })
  async update(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDetailsDto> {
    const user = await this.users.update(ctx, id, body);
    return toUserDetails(user, user.totpSecret !== null);
  }

  @Delete(':id/sessions')
  @HttpCode(204)
  @ApiOperation({
    summary: "End every session of a user; the user's tokens stop working at once",
    description: 'Access rule: role admin.',
  })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiNotFoundResponse({ description: 'No such user (problem+json)' })
  async endSessions(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    if (!(await this.users.exists(id))) {
      throw new AuthError(AuthErrorCode.UserNotFound, 'No such user.');
    }
    await this.sessions.endAllOfUser(ctx, id);
  }
}
