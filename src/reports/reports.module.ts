import { Module } from '@nestjs/common';
import { CcpaMetricsService } from './ccpa-metrics.service';
import { ProcessingRecordService } from './processing-record.service';
import { ReportRepository } from './report.repository';
import { ReportsController } from './reports.controller';

@Module({
  controllers: [ReportsController],
  providers: [ReportRepository, CcpaMetricsService, ProcessingRecordService],
})
export class ReportsModule {}
