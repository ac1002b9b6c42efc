import { Injectable } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { REQUEST_TYPES } from 'src/privacy-requests/deadlines/deadline-rules';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { csvTable } from './csv-table';
import type { CcpaMetricsDto, CcpaTypeMetricsDto } from './dto/report.dto';

const round2 = (n: number | null): number | null => (n === null ? null : Math.round(n * 100) / 100);

/**
 * CCPA regulations §7102: requests received, complied with, denied, and days to respond, for a
 * calendar year in the CCPA calendar's zone, over kept records and purged ones' aggregates.
 */
@Injectable()
export class CcpaMetricsService {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly config: AppConfig,
  ) {}

  async metrics(year: number): Promise<CcpaMetricsDto> {
    const zone = this.config.privacyRequests.calendars.CCPA.zone;
    const figures = await this.requests.yearMetrics(year, 'CCPA', zone);
    const byType: Record<string, CcpaTypeMetricsDto> = {};
    for (const type of REQUEST_TYPES) {
      const f = figures.find((x) => x.type === type);
      byType[type] = {
        received: f?.received ?? 0,
        compliedInWholeOrPart: f?.complied ?? 0,
        denied: f?.denied ?? 0,
        medianDaysToRespond: round2(f?.medianDays ?? null),
        meanDaysToRespond: round2(f?.meanDays ?? null),
      };
    }
    return { year, byType };
  }

  async csv(year: number): Promise<string> {
    const { byType } = await this.metrics(year);
    return csvTable(
      [
        'year',
        'type',
        'received',
        'compliedInWholeOrPart',
        'denied',
        'medianDaysToRespond',
        'meanDaysToRespond',
      ],
      Object.entries(byType).map(([type, m]) => ({ year, type, ...m })),
    );
  }
}
