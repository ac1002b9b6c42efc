import { Module } from '@nestjs/common';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { CcpaMetricsService } from './ccpa-metrics.service';
import { ProcessingRecordService } from './processing-record.service';
import { ReportRepository } from './report.repository';
import { ReportsController } from './reports.controller';

/**
 * Read-only. The privacy request repository is stateless, so this module holds its own instance
 * rather than importing the privacy request module with its workers.
 */
@Module({
  controllers: [ReportsController],
  providers: [
    ReportRepository,
    PrivacyRequestRepository,
    CcpaMetricsService,
    ProcessingRecordService,
  ],
})
export class ReportsModule {}
