import { Injectable } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { csvTable } from './csv-table';
import { buildProcessingRecord, ProcessingRecord } from './processing-record';
import { ReportRepository } from './report.repository';

/** The GDPR Art. 30 record of processing, built from what the service has registered. */
@Injectable()
export class ProcessingRecordService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly config: AppConfig,
  ) {}

  async record(): Promise<ProcessingRecord> {
    const [purposes, stores, keyrings] = await Promise.all([
      this.reports.purposes(),
      this.reports.stores(),
      this.reports.keyrings(),
    ]);
    return buildProcessingRecord(purposes, stores, keyrings, {
      now: new Date(),
      rootProvider: this.config.crypto.provider.kind,
      defaultAlias: this.config.crypto.defaultAlias,
      retention: this.retention(),
    });
  }

  /** One line per purpose, then one per store; lists are joined by "; ". */
  async csv(): Promise<string> {
    const r = await this.record();
    const recipientHost = new Map(r.recipients.map((x) => [x.name, x.host]));
    return csvTable(
      ['record', 'key', 'name', 'legalBasis', 'type', 'categories', 'dataStores', 'recipient'],
      [
        ...r.purposes.map((p) => ({
          record: 'purpose',
          key: p.key,
          name: p.name,
          legalBasis: p.legalBasis,
          type: null,
          categories: p.dataCategories,
          dataStores: p.dataStores,
          recipient: null,
        })),
        ...r.dataStores.map((s) => ({
          record: 'dataStore',
          key: null,
          name: s.name,
          legalBasis: null,
          type: s.type,
          categories: s.categories,
          dataStores: null,
          recipient: recipientHost.get(s.name) ?? null,
        })),
      ],
    );
  }

  private retention(): ProcessingRecord['retention'] {
    const linkHours = Math.round(this.config.privacyRequests.exportLinkTtlSeconds / 360) / 10;
    return [
      {
        records: 'privacy requests and their tasks',
        period: `${this.config.privacyRequests.retentionMonths} months after receipt (REQUEST_RETENTION; open requests are kept until answered), then only yearly aggregates without subjects`,
      },
      {
        records: 'access export packages and their links',
        period: `deleted with their link ${linkHours} hours after completion (EXPORT_LINK_TTL)`,
      },
      {
        records: 'consent ledger',
        period: 'append-only, kept as proof of consent (GDPR Art. 7(1))',
      },
      { records: 'audit events', period: 'append-only hash chain, kept without limit' },
      { records: 'breach register', period: 'kept without limit (GDPR Art. 33(5))' },
    ];
  }
}
