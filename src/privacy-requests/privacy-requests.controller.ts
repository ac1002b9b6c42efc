import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiUnprocessableEntityResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { Idempotent, IdempotencyOf } from 'src/idempotency/idempotent.decorator';
import type { IdempotentWrite } from 'src/idempotency/idempotent-write';
import { ErasureCertificates } from './certificates/erasure-certificates.service';
import {
  createdPrivacyRequest,
  CreatedPrivacyRequestDto,
  CreatePrivacyRequestDto,
  ErasureCertificateDto,
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
    private readonly certificates: ErasureCertificates,
  ) {}

  @Post()
  @Access({ scopes: ['requests:write'] })
  @Idempotent()
  @ApiOperation({
    summary: 'File a request for a subject the calling backend vouches for',
    description:
      "`receivedAt` (when the backend received it) starts the legal clock; `dueAt` is the end of the period's last day in the jurisdiction's time zone. A `rectification` (GDPR Art. 16, CCPA right to correct) carries `corrections`: each names a field that some data store's description has, and its new value, checked against the column's type and size in every SQL store holding it. Those stores update the subject's rows; HTTP stores receive `{requestId, type, subject, corrections}`. Access: API key with `requests:write`.",
  })
  @ApiBody({
    type: CreatePrivacyRequestDto,
    examples: {
      access: {
        value: {
          type: 'access',
          subject: { email: 'jane@example.com' },
          jurisdiction: 'CCPA',
          receivedAt: '2026-11-23T08:15:00Z',
        },
      },
      rectification: {
        value: {
          type: 'rectification',
          subject: { email: 'jane@example.com' },
          jurisdiction: 'CCPA',
          corrections: [
            { collection: 'customers', field: 'name', value: 'Zoë Ñúñez' },
            { field: 'city', value: 'Leeds' },
          ],
        },
      },
    },
  })
  @ApiCreatedResponse({ type: CreatedPrivacyRequestDto })
  @ApiUnprocessableEntityResponse({
    description:
      'A `receivedAt` in the future or more than 30 days back; a rectification whose corrections name a field no store describes, or a value that does not fit its column (problem+json naming the field, never the value)',
  })
  @ApiBadRequestResponse({
    description:
      'Invalid body or subject (problem+json); in production also a webhookUrl naming a loopback, private or link-local host',
  })
  async create(
    @ReqContext() ctx: RequestContext,
    @Body() body: CreatePrivacyRequestDto,
    @IdempotencyOf() idempotency?: IdempotentWrite,
  ): Promise<CreatedPrivacyRequestDto> {
    return createdPrivacyRequest(await this.intake.fromService(ctx, body, idempotency));
  }

  @Get(':id')
  @Access({ roles: ['admin', 'dpo', 'auditor'], scopes: ['requests:read'] })
  @ApiOperation({
    summary: 'A request with its per-store tasks and its events',
    description:
      'An API key sees only the requests it filed; admin users see every request. Access: requests:read, admin, dpo, auditor.',
  })
  @ApiOkResponse({ type: PrivacyRequestDto })
  @ApiNotFoundResponse({ description: 'No such request, or one filed by another API key' })
  get(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<PrivacyRequestDto> {
    return this.view.get(ctx, id);
  }

  @Get(':id/export')
  @Access({ roles: ['dpo'], scopes: ['requests:read'] })
  @ApiOperation({
    summary: 'An expiring link to the access package of a completed request',
    description:
      'The package lives EXPORT_LINK_TTL from completion and is then deleted; a link never outlives it. An API key gets links only for the requests it filed. Access: requests:read, dpo.',
  })
  @ApiNotFoundResponse({ description: 'No such request, or one filed by another API key' })
  @ApiOkResponse({ type: ExportLinkDto })
  @ApiConflictResponse({ description: 'Not a completed access request' })
  @ApiGoneResponse({ description: 'The package has expired and was deleted (problem+json)' })
  exportLink(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ExportLinkDto> {
    return this.view.exportLink(ctx, id);
  }

  @Get(':id/certificate')
  @Access({ roles: ['admin', 'dpo', 'auditor'], scopes: ['requests:read'] })
  @ApiOperation({
    summary: 'Signed proof that a completed erasure left nothing of the subject behind',
    description:
      'A compact JWS signed with the consent receipt keys (published at /v1/.well-known/jwks.json). It names the request and its completion time, the subject only as a salted SHA-256 hash (salt in the payload, derived per request, so the holder of the identifiers can check it), and per store what each step did and the rows still reaching the subject when read again after the erasure (0). An API key gets certificates only for the requests it filed. Access: requests:read, admin, dpo, auditor.',
  })
  @ApiOkResponse({ type: ErasureCertificateDto })
  @ApiNotFoundResponse({ description: 'No such request, or one filed by another API key' })
  @ApiConflictResponse({ description: 'Not an erasure request, or not completed (problem+json)' })
  async certificate(
    @ReqContext() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ErasureCertificateDto> {
    return { certificate: await this.certificates.issue(ctx, id) };
  }
}
