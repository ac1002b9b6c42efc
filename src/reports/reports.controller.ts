import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access } from 'src/common/access/access.decorator';
import { CcpaMetricsService } from './ccpa-metrics.service';
import { CcpaMetricsDto, CcpaMetricsQueryDto, ProcessingRecordDto } from './dto/report.dto';
import { ProcessingRecordService } from './processing-record.service';

/** CSV when the caller prefers it to JSON (`Accept: text/csv`); JSON otherwise. */
function wantsCsv(req: Request, res: Response, filename: string): boolean {
  if (req.accepts(['application/json', 'text/csv']) !== 'text/csv') {
    return false;
  }
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  return true;
}

@ApiTags('reports')
@Controller('v1/admin/reports')
@Access({ roles: ['admin', 'dpo', 'auditor'] })
export class ReportsController {
  constructor(
    private readonly ccpa: CcpaMetricsService,
    private readonly processing: ProcessingRecordService,
  ) {}

  @Get('ccpa-metrics')
  @ApiOperation({
    summary: 'CCPA §7102 metrics of a calendar year, per request type',
    description:
      'CCPA requests received in the year (California time): how many, complied with in whole or in part, denied, and the median and mean calendar days to respond. `Accept: text/csv` gives one line per type (header `year,type,received,compliedInWholeOrPart,denied,medianDaysToRespond,meanDaysToRespond`). Access: admin, dpo, auditor.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: CcpaMetricsDto })
  @ApiBadRequestResponse({ description: 'year missing or not a year between 2000 and 2100' })
  async ccpaMetrics(
    @Query() q: CcpaMetricsQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CcpaMetricsDto | string> {
    return wantsCsv(req, res, `ccpa-metrics-${q.year}.csv`)
      ? this.ccpa.csv(q.year)
      : this.ccpa.metrics(q.year);
  }

  @Get('processing-record')
  @ApiOperation({
    summary: 'The GDPR Art. 30 record of processing',
    description:
      'Built from the registered purposes (legal basis), the data stores and their field categories (a field lists its purposes in `purposes`), the recipients (http backends), retention and the keyrings protecting the data. `Accept: text/csv` gives one line per purpose and per store (header `record,key,name,legalBasis,type,categories,dataStores,recipient`; lists joined by "; "). Access: admin, dpo, auditor.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ProcessingRecordDto })
  async processingRecord(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ProcessingRecordDto | string> {
    return wantsCsv(req, res, 'processing-record.csv')
      ? this.processing.csv()
      : this.processing.record();
  }
}
