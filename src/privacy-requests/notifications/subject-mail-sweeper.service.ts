import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AppConfig } from 'src/config/app-config';
import { PeriodicSweep } from 'src/queue/periodic-sweep';
import { SubjectMailOutboxRepository } from './subject-mail-outbox.repository';
import { SubjectMailOutbox } from './subject-mail-outbox.service';

/** Longer than any send can take (the transport's timeouts add up to two minutes). */
export const SENDING_LEASE_MS = 10 * 60_000;
/** A row younger than this is still being put on the queue by the code that wrote it. */
const PENDING_GRACE_MS = 10_000;

/**
 * The outbox is the truth: pending rows whose job is lost go on the queue again, and rows left
 * `sending` by a worker that died are failed as delivery unknown (never sent a second time).
 */
@Injectable()
export class SubjectMailSweeper extends PeriodicSweep {
  protected readonly logger = new Logger(SubjectMailSweeper.name);

  constructor(
    private readonly outbox: SubjectMailOutboxRepository,
    private readonly mails: SubjectMailOutbox,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    super('Subject mail sweep', config.privacyRequests.reconcileEveryMs);
  }

  tick(leaseMs = SENDING_LEASE_MS): Promise<void> {
    return this.once(() => this.sweep(leaseMs), undefined);
  }

  private async sweep(leaseMs: number): Promise<void> {
    for (const lost of await this.outbox.failInterrupted(leaseMs)) {
      this.logger.warn(
        `Mail ${lost.kind} of request ${lost.requestId} was interrupted while sending; not sent again`,
      );
      await this.audit.record(SYSTEM, {
        action: 'privacy_request.subject_mail_failed',
        outcome: 'failure',
        target: { type: 'privacy_request', id: lost.requestId },
        details: { kind: lost.kind, reason: 'interrupted while sending; delivery unknown' },
      });
    }
    let requeued = 0;
    for (const id of await this.outbox.findStalePending(PENDING_GRACE_MS, 500)) {
      if (await this.mails.requeue(id)) {
        requeued++;
      }
    }
    if (requeued > 0) {
      this.logger.log(`Re-enqueued ${requeued} subject mails`);
    }
  }
}
