import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { rmSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AppConfig } from 'src/config/app-config';
import { PrivacyRequestRepository } from '../privacy-request.repository';

const BATCH = 500;

export interface PurgeResult {
  /** Request records deleted (their tasks with them). */
  requests: number;
  /** Access package files deleted: expired, or of a purged record. */
  exports: number;
  receivedBefore: Date;
}

/**
 * Retention: access packages are deleted when they expire, and request records once older than
 * REQUEST_RETENTION, their figures kept in `privacy_request_metrics` for the yearly metrics.
 * Runs as the `system` actor; the audit event holds counts only.
 */
@Injectable()
export class RequestRetention {
  private readonly logger = new Logger(RequestRetention.name);

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async purge(now: Date = new Date()): Promise<PurgeResult> {
    let exports = 0;
    for (;;) {
      const expired = await this.requests.expiredExports(now, BATCH);
      for (const { id, path } of expired) {
        // The file goes first: a crash in between leaves a row that the next run clears.
        this.removePackage(path);
        await this.requests.clearExport(id, path);
        exports++;
      }
      if (expired.length < BATCH) {
        break;
      }
    }
    const { retentionMonths, calendars } = this.config.privacyRequests;
    const receivedBefore = DateTime.fromJSDate(now, { zone: 'utc' })
      .minus({ months: retentionMonths })
      .toJSDate();
    const zones = {
      GDPR: calendars.GDPR.zone,
      UK_GDPR: calendars.UK_GDPR.zone,
      CCPA: calendars.CCPA.zone,
    };
    let requests = 0;
    for (;;) {
      const batch = await this.requests.purgeReceivedBefore(receivedBefore, zones, BATCH);
      batch.exportPaths.forEach((p) => this.removePackage(p));
      exports += batch.exportPaths.length;
      requests += batch.purged;
      if (batch.purged < BATCH) {
        break;
      }
    }
    if (requests > 0 || exports > 0) {
      await this.audit.record(SYSTEM, {
        action: 'privacy_request.retention_purged',
        target: { type: 'privacy_request_retention' },
        details: {
          requests,
          exports,
          receivedBefore: receivedBefore.toISOString(),
          retentionMonths,
        },
      });
      this.logger.log(`Purged ${requests} request records and ${exports} access packages`);
    }
    return { requests, exports, receivedBefore };
  }

  /** Deletes a package file, never anything outside EXPORT_DIR. */
  private removePackage(path: string): void {
    const root = resolve(this.config.privacyRequests.exportDir) + sep;
    if (!resolve(path).startsWith(root)) {
      this.logger.warn('An access package path outside EXPORT_DIR was left in place');
      return;
    }
    rmSync(path, { force: true });
  }
}
