import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import {
  CreatedIncidentDto,
  CreateIncidentDto,
  IncidentDetailDto,
  IncidentPageDto,
  RecordNotificationDto,
} from './dto/incident.dto';
import { IncidentsService } from './incidents.service';

@ApiTags('incidents')
@Controller('v1/admin/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: 'Record a personal-data breach; the authority is due notice 72 h after detection',
    description: 'Access: admin, dpo. Audited as `incident.created` (ids only).',
  })
  @ApiCreatedResponse({ type: CreatedIncidentDto })
  @ApiUnprocessableEntityResponse({ description: '`detectedAt` is in the future' })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreateIncidentDto,
  ): Promise<CreatedIncidentDto> {
    const created = await this.incidents.create(ctx, body);
    return { id: created.id, notifyAuthorityBy: created.notifyAuthorityBy.toISOString() };
  }

  @Get()
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({
    summary: 'The breach register, newest first',
    description: 'Access: admin, dpo, auditor.',
  })
  @ApiOkResponse({ type: IncidentPageDto })
  list(@Query() q: PageQueryDto): Promise<IncidentPageDto> {
    return this.incidents.list(q.limit, q.cursor);
  }

  @Get(':id')
  @Access({ roles: ['admin', 'dpo', 'auditor'] })
  @ApiOperation({
    summary: 'One incident with its notifications',
    description: 'Access: admin, dpo, auditor.',
  })
  @ApiOkResponse({ type: IncidentDetailDto })
  @ApiNotFoundResponse({ description: 'No such incident' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<IncidentDetailDto> {
    return this.incidents.get(id);
  }

  @Post(':id/notifications')
  @Access({ roles: ['admin', 'dpo'] })
  @ApiOperation({
    summary: 'Log a notification of the authority or of the data subjects',
    description:
      'Access: admin, dpo. Audited as `incident.notification_recorded` with the party, the time and whether the authority was told late.',
  })
  @ApiCreatedResponse({ type: IncidentDetailDto })
  @ApiNotFoundResponse({ description: 'No such incident' })
  @ApiUnprocessableEntityResponse({ description: '`at` is in the future or before detection' })
  recordNotification(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordNotificationDto,
  ): Promise<IncidentDetailDto> {
    return this.incidents.recordNotification(ctx, id, body);
  }
}
