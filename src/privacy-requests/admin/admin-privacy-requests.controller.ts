import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { ListPrivacyRequestsQueryDto } from '../dto/list-query.dto';
import { ManualTasksService } from '../manual/manual-tasks.service';
import {
  CompletedTaskDto,
  CompleteTaskDto,
  CreatedPrivacyRequestDto,
  PrivacyRequestListDto,
  ReasonDto,
  SlaDto,
} from '../dto/privacy-request.dto';
import { PrivacyRequestAdminService } from './privacy-request-admin.service';

@ApiTags('admin')
@Controller('v1/admin/privacy-requests')
export class AdminPrivacyRequestsController {
  constructor(
    private readonly admin: PrivacyRequestAdminService,
    private readonly manual: ManualTasksService,
  ) {}

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

  @Post(':id/approve')
  @HttpCode(200)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: 'Approve a request waiting for a DPO (REQUEST_APPROVAL=manual)',
    description:
      'Moves a `pending_approval` request to `queued` and hands it to the workers; the due date is unchanged (the clock ran while it waited). Reject it instead with `.../reject`. Audited as `privacy_request.queued` with `approved: true`. Access: admin, dpo.',
  })
  @ApiOkResponse({ type: CreatedPrivacyRequestDto })
  @ApiConflictResponse({ description: 'The request is not waiting for approval' })
  async approve(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.admin.approve(ctx, id);
    return { id: r.id, status: r.status };
  }

  @Post(':id/tasks/:taskId/complete')
  @HttpCode(200)
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: "Mark a manual store's waiting task done, with a note",
    description:
      'A `manual` data store has no connector: its task waits as `waiting` until a person does the work there and records it here. The note is stored encrypted and never logged; the audit event `privacy_request.task_completed` carries the task id and the note length. When it was the last unfinished task the request finishes (export package, key shredding, consent changes) and completes. Waiting tasks are reminded to DPOs (audit `privacy_request.task_reminder`, a warn log line, metric `privacy_manual_task_reminders_total`) once a day from MANUAL_TASK_REMINDER_DAYS before the due date. Access: admin, dpo.',
  })
  @ApiOkResponse({ type: CompletedTaskDto })
  @ApiNotFoundResponse({ description: 'No such request, or no such task of it' })
  @ApiConflictResponse({ description: 'The task is not waiting, or the request is not running' })
  async completeTask(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('taskId', new ParseUUIDPipe()) taskId: string,
    @Body() body: CompleteTaskDto,
  ): Promise<CompletedTaskDto> {
    const done = await this.manual.complete(ctx, id, taskId, body.note);
    return { id, taskId, status: done.status, finishing: done.finishing };
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
  @ApiOperation({
    summary:
      'Run a failed or stuck (queued, in_progress) request again: a new run of its unfinished ' +
      'and failed tasks; completed tasks are kept. Roles: admin, dpo',
  })
  @ApiOkResponse({ type: CreatedPrivacyRequestDto })
  @ApiConflictResponse({
    description: 'The request is completed or rejected, or not yet verified or approved',
  })
  async retry(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.admin.retry(ctx, id);
    return { id: r.id, status: r.status };
  }
}
