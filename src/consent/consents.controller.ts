import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access } from 'src/common/access/access.decorator';
import { ReqContext, RequestContext } from 'src/common/access/request-context.decorator';
import { Idempotent, IdempotencyOf } from 'src/idempotency/idempotent.decorator';
import type { IdempotentWrite } from 'src/idempotency/idempotent-write';
import { ConsentCheckService } from './check/consent-check.service';
import { BatchCheckDto, BatchCheckResultDto, CheckQueryDto, CheckResultDto } from './dto/check.dto';
import { RecordConsentDto, RecordedConsentDto } from './dto/consent.dto';
import { ReceiptDto, ReceiptIdParamDto } from './dto/receipt.dto';
import { ConsentLedgerService } from './ledger/consent-ledger.service';
import { ConsentQueryService } from './ledger/consent-query.service';

@ApiTags('consent')
@Controller('v1/consents')
export class ConsentsController {
  constructor(
    private readonly ledger: ConsentLedgerService,
    private readonly checks: ConsentCheckService,
    private readonly queries: ConsentQueryService,
  ) {}

  @Post()
  @Access({ scopes: ['consent:write'] })
  @Idempotent()
  @ApiOperation({
    summary: 'Record a grant or withdrawal (append-only), with a signed receipt',
    description:
      'With `Sec-GPC: 1`, an opt-out (source `gpc`) is also recorded for every purpose with an ' +
      'optOutCategory, and checks of those purposes answer `gpc_opt_out` while the signal is ' +
      "present on the subject's writes, even after an explicit grant.",
  })
  @ApiHeader({
    name: 'Sec-GPC',
    required: false,
    description: "Global Privacy Control signal from the person's browser",
    example: '1',
  })
  @ApiCreatedResponse({ type: RecordedConsentDto })
  @ApiBadRequestResponse({ description: 'Invalid body, date or subjectId (problem+json)' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown purpose' })
  record(
    @ReqContext() ctx: RequestContext,
    @Body() body: RecordConsentDto,
    @Headers('sec-gpc') gpc?: string,
    @IdempotencyOf() idempotency?: IdempotentWrite,
  ): Promise<RecordedConsentDto> {
    return this.ledger.record(ctx, body, gpc?.trim() === '1', idempotency);
  }

  @Get('check')
  @Access({ scopes: ['consent:read'] })
  @ApiOperation({
    summary: 'May this purpose be used for this subject now?',
    description:
      'A `consent` purpose needs a current, unexpired grant; other legal bases are allowed ' +
      'unless the subject objected or opted out. A withdrawal is seen by every instance before ' +
      'its 201.',
  })
  @ApiOkResponse({ type: CheckResultDto })
  @ApiBadRequestResponse({ description: 'Missing or invalid subjectId or purpose' })
  @ApiNotFoundResponse({ description: 'Unknown purpose' })
  check(@Query() query: CheckQueryDto): Promise<CheckResultDto> {
    return this.checks.checkOne(query.subjectId, query.purpose);
  }

  @Post('check')
  @HttpCode(200)
  @Access({ scopes: ['consent:read'] })
  @ApiOperation({ summary: 'Check several purposes for one subject at once' })
  @ApiOkResponse({ type: BatchCheckResultDto })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  @ApiUnprocessableEntityResponse({ description: 'A purpose in the list is unknown' })
  checkMany(@Body() body: BatchCheckDto): Promise<BatchCheckResultDto> {
    return this.checks.checkMany(body.subjectId, body.purposes).then((results) => ({ results }));
  }

  @Get('receipts/:receiptId')
  @Access({ scopes: ['consent:read'] })
  @ApiOperation({
    summary: 'A consent receipt: compact JWS (ES256), verifiable with /v1/.well-known/jwks.json',
  })
  @ApiOkResponse({ type: ReceiptDto })
  @ApiNotFoundResponse({ description: 'No such receipt' })
  receipt(@Param() params: ReceiptIdParamDto): Promise<ReceiptDto> {
    return this.queries.receipt(params.receiptId);
  }
}
