import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { ListPrivacyRequestsQueryDto } from '../dto/list-query.dto';
import {
  CreatedPrivacyRequestDto,
  PrivacyRequestListDto,
  ReasonDto,
  SlaDto,
} from '../dto/privacy-request.dto';
import { PrivacyRequestAdminService } from './privacy-request-admin.service';

@ApiTags('admin')
@Controller('v1/admin/privacy-requests')
export class AdminPrivacyRequestsController {
  constructor(private readonly admin: PrivacyRequestAdminService) {}

  @Get()
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'Requests, soonest due first' })
  @ApiOkResponse({ type: PrivacyRequestListDto })
  list(@Query() q: ListPrivacyRequestsQueryDto): Promise<PrivacyRequestListDto> {
    return this.admin.list(q);
  }

  @Get('sla')
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({ summary: 'Open, overdue and completion figures' })
  @ApiOkResponse({ type: SlaDto })
  sla(): Promise<SlaDto> {
    return this.admin.sla();
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({ summary: "Extend the due date by the jurisdiction's extension, once" })
  @ApiOkResponse({ type: CreatedPrivacyRequestDto })
  @ApiConflictResponse({ description: 'Already extended, past due, or not extendable' })
  async extend(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReasonDto,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.admin.extend(ctx, id, body.reason);
    return { id: r.id, status: r.status, dueAt: r.extendedDueAt?.toISOString() };
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({ summary: 'Reject a request with a reason' })
  @ApiOkResponse({ type: CreatedPrivacyRequestDto })
  @ApiConflictResponse({ description: 'The request is closed' })
  async reject(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReasonDto,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.admin.reject(ctx, id, body.reason);
    return { id: r.id, status: r.status };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({ summary: 'Run a failed request again (its failed tasks only)' })
  @ApiOkResponse({ type: CreatedPrivacyRequestDto })
  @ApiConflictResponse({ description: 'The request has not failed' })
  async retry(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.admin.retry(ctx, id);
    return { id: r.id, status: r.status };
  }
}
