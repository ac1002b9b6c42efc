import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, Authenticated } from 'src/common/access/access.decorator';
import { MetricsService } from 'src/health/metrics.service';
import { DlpService } from './dlp.service';
import {
  DlpEntityListDto,
  DlpRedactDto,
  DlpRedactResultDto,
  DlpScanDto,
  DlpScanResultDto,
} from './dto/dlp-request.dto';

@ApiTags('dlp')
@Controller('v1/dlp')
export class DlpController {
  constructor(
    private readonly dlp: DlpService,
    private readonly metrics: MetricsService,
  ) {}

  @Post('scan')
  @HttpCode(200)
  @Access({ scopes: ['dlp:scan'] })
  @ApiOperation({ summary: 'Find personal data in a text or a JSON value' })
  @ApiOkResponse({ type: DlpScanResultDto })
  @ApiBadRequestResponse({ description: 'Unknown entity, or neither/both of text and json' })
  @ApiPayloadTooLargeResponse({ description: 'Input above the scan limit (1 MiB of text)' })
  @ApiUnprocessableEntityResponse({ description: 'A custom recognizer ran out of its time budget' })
  scan(@Body() body: DlpScanDto, @Req() req: Request): Promise<DlpScanResultDto> {
    this.count('scan', body, req);
    return this.dlp.scan(body);
  }

  @Post('redact')
  @HttpCode(200)
  @Access({ scopes: ['dlp:scan'] })
  @ApiOperation({ summary: "Replace each finding by its entity's operator" })
  @ApiOkResponse({ type: DlpRedactResultDto })
  @ApiBadRequestResponse({ description: 'Unknown entity, bad operator, or neither/both inputs' })
  @ApiPayloadTooLargeResponse({ description: 'Input above the scan limit (1 MiB of text)' })
  @ApiUnprocessableEntityResponse({ description: 'A custom recognizer ran out of its time budget' })
  redact(@Body() body: DlpRedactDto, @Req() req: Request): Promise<DlpRedactResultDto> {
    this.count('redact', body, req);
    return this.dlp.redact(body);
  }

  @Get('entities')
  @Authenticated()
  @ApiOperation({ summary: 'Entity types the scanner knows, with a description of each' })
  @ApiOkResponse({ type: DlpEntityListDto })
  entities(): DlpEntityListDto {
    return this.dlp.entities();
  }

  /** Bytes are the body as received (Content-Length), so counting costs nothing per value. */
  private count(operation: 'scan' | 'redact', body: DlpScanDto, req: Request): void {
    this.metrics.dlpScans.inc({ operation, input: body.text !== undefined ? 'text' : 'json' });
    this.metrics.dlpBytes.inc({ operation }, Number(req.headers['content-length'] ?? 0) || 0);
  }
}
