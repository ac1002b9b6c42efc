import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
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
import {
  decodeCursor,
  encodeCursor,
  isCursorInstant,
  isCursorUuid,
} from 'src/common/pagination/cursor';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import { AuthError, AuthErrorCode } from '../auth.error';
import {
  CreateUserDto,
  PASSWORD_RULES,
  PasswordResetDto,
  UpdateUserDto,
  UserDetailsDto,
  UserDto,
  UserListDto,
} from '../dto/admin.dto';
import { PasswordChangeService } from '../passwords/password-change.service';
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
    private readonly passwords: PasswordChangeService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List admin users, oldest first',
    description: 'Access rule: role admin.',
  })
  @ApiOkResponse({ type: UserListDto })
  async list(@Query() query: PageQueryDto): Promise<UserListDto> {
    type Position = { c: string; id: string };
    const isPosition = (v: unknown): v is Position =>
      isCursorInstant((v as Position).c) && isCursorUuid((v as Position).id);
    const after = decodeCursor<Position>(query.cursor, ['c', 'id'], isPosition);
    const rows = await this.users.list(query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toUserDetails(r.user, r.secondFactor)),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ c: last.user.createdAt.toISOString(), id: last.user.id })
          : null,
    };
  }

  @Post()
  @ApiOperation({
    summary: 'Create an admin user (roles admin, dpo, auditor)',
    description: 'Access rule: role admin.',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'The e-mail address is taken' })
  @ApiUnprocessableEntityResponse({ description: `The password breaks a rule. ${PASSWORD_RULES}` })
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
    return toUserDetails(user, await this.users.hasSecondFactor(id));
  }

  @Post(':id/password-reset')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reset a user's password: a single-use token for the user to set a new one",
    description:
      'Access rule: role admin. The old password stops working and every session of the user ends at once; the token (shown once, valid 24 hours) goes to POST /v1/auth/password/reset.',
  })
  @ApiOkResponse({ type: PasswordResetDto })
  @ApiNotFoundResponse({ description: 'No such user (problem+json)' })
  resetPassword(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<PasswordResetDto> {
    return this.passwords.startReset(ctx, id);
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
