import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import {
  CreatedPrivacyRequestDto,
  CreatePrivacyRequestDto,
  ExportLinkDto,
  PrivacyRequestDto,
} from './dto/privacy-request.dto';
import { PrivacyRequestIntakeService } from './intake/privacy-request-intake.service';
import { PrivacyRequestViewService } from './privacy-request-view.service';

@ApiTags('privacy-requests')
@Controller('v1/privacy-requests')
export class PrivacyRequestsController {
  constructor(
    private readonly intake: PrivacyRequestIntakeService,
    private readonly view: PrivacyRequestViewService,
  ) {}

  @Post()
  @Access({ scopes: ['requests:write'] })
  @ApiOperation({ summary: 'File a request for a subject the calling backend vouches for' })
  @ApiCreatedResponse({ type: CreatedPrivacyRequestDto })
  @ApiBadRequestResponse({
    description:
      'Invalid body or subject (problem+json); in production also a webhookUrl naming a loopback, private or link-local host',
  })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreatePrivacyRequestDto,
  ): Promise<CreatedPrivacyRequestDto> {
    const r = await this.intake.fromService(ctx, body);
    return { id: r.id, status: r.status, dueAt: r.dueAt.toISOString() };
  }

  @Get(':id')
  @Access({ roles: ['admin', 'dpo', 'auditor'], scopes: ['requests:read'] })
  @ApiOperation({ summary: 'A request with its per-store tasks and its events' })
  @ApiOkResponse({ type: PrivacyRequestDto })
  @ApiNotFoundResponse({ description: 'No such request' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<PrivacyRequestDto> {
    return this.view.get(id);
  }

  @Get(':id/export')
  @Access({ roles: ['dpo'], scopes: ['requests:read'] })
  @ApiOperation({ summary: 'An expiring link to the access package of a completed request' })
  @ApiOkResponse({ type: ExportLinkDto })
  @ApiConflictResponse({ description: 'Not a completed access request' })
  exportLink(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ExportLinkDto> {
    return this.view.exportLink(ctx, id);
  }
}
