import { Body, Controller, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { CreateUserDto, UserDto } from '../dto/admin.dto';
import { AdminUsersService } from './admin-users.service';

@ApiTags('admin')
@Controller('v1/admin/users')
@Access({ roles: ['admin'] })
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create an admin user (roles admin, dpo, auditor)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'The e-mail address is taken' })
  async create(@ReqContext() ctx: RequestContext, @Body() body: CreateUserDto): Promise<UserDto> {
    const user = await this.users.create(ctx, body);
    return { id: user.id, email: user.email, roles: user.roles };
  }
}
