import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { AuditService } from 'src/audit/audit.service';
import { DeadlineCalendars } from '../deadlines/deadline-calendars.service';
import type { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { ExportLinks } from '../export/export-link.service';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import type { TaskResult } from '../privacy-request.types';
import { SubjectProtector } from '../subject-protector.service';
import { localDueDate } from './local-due-date';
import { MailSendError } from './mail-send-error';
import { MailTransport } from './mail-transport.service';
import { SubjectMailOutboxRepository } from './subject-mail-outbox.repository';
import { SubjectMailOutbox } from './subject-mail-outbox.service';
import type { ClaimedMail } from './subject-mail.types';
import type { RenderedMail } from './templates/mail-templates';
import { templatesFor } from './templates/mail-languages';

/**
 * Sends one outbox row at most once: it is claimed (pending → sending) before the mail leaves,
 * so a second job, a restarted worker or a retry after success finds nothing to send. Only a
 * refusal by the server puts it back for another attempt. The address is decrypted here, for
 * this message only.
 */
@Injectable()
export class SubjectMailSender {
  private readonly logger = new Logger(SubjectMailSender.name);

  constructor(
    private readonly outbox: SubjectMailOutboxRepository,
    private readonly mails: SubjectMailOutbox,
    private readonly requests: PrivacyRequestRepository,
    private readonly protector: SubjectProtector,
    private readonly links: ExportLinks,
    private readonly transport: MailTransport,
    private readonly audit: AuditService,
    private readonly deadlines: DeadlineCalendars,
  ) {}

  /** `final`: the queue will not try again, so a refusal fails the row for good. */
  async send(outboxId: string, final: boolean): Promise<void> {
    const row = await this.outbox.claim(outboxId);
    if (!row) {
      return;
    }
    const request = await this.requests.findById(row.requestId);
    const why = request ? this.staleBecause(row, request) : 'the request is gone';
    if (!request || why) {
      await this.outbox.skip(row.id, why ?? 'nothing to send');
      this.logger.log(`Mail ${row.kind} of request ${row.requestId} skipped: ${why}`);
      return this.mails.sendNext(row.requestId);
    }
    try {
      const subject = await this.protector.open(request.subjectCiphertext, request.id);
      if (!subject.email) {
        await this.outbox.skip(row.id, 'the subject has no e-mail address');
        return this.mails.sendNext(row.requestId);
      }
      await this.transport.send(subject.email, await this.compose(row, request), {
        requestId: row.requestId,
        kind: row.kind,
      });
    } catch (e) {
      const failure = MailSendError.from(e);
      const last = final || failure.permanent;
      await (last
        ? this.outbox.fail(row.id, failure.reason)
        : this.outbox.release(row.id, failure.reason));
      this.logger.warn(
        `Mail ${row.kind} of request ${row.requestId} not sent: ${failure.reason} (${last ? 'final' : 'retried'})`,
      );
      if (last) {
        await this.failed(row, failure.reason);
      }
      throw failure;
    }
    await this.audit.recordChange(
      SYSTEM,
      {
        action: 'privacy_request.subject_mailed',
        target: { type: 'privacy_request', id: row.requestId },
        details: { kind: row.kind },
      },
      this.outbox.sentChange(row.id),
    );
    this.logger.log(`Mail ${row.kind} of request ${row.requestId} sent`);
    await this.mails.sendNext(row.requestId);
  }

  /** Given up: audited for the DPO, and the request's later mails may go. */
  private async failed(row: ClaimedMail, reason: string): Promise<void> {
    await this.audit.record(SYSTEM, {
      action: 'privacy_request.subject_mail_failed',
      outcome: 'failure',
      target: { type: 'privacy_request', id: row.requestId },
      details: { kind: row.kind, reason },
    });
    await this.mails.sendNext(row.requestId);
  }

  /** A completion or rejection the request has since left (a race with a DPO) is not sent. */
  private staleBecause(row: ClaimedMail, request: PrivacyRequestEntity): string | undefined {
    if (row.kind === 'completion' && request.status !== 'completed') {
      return `the request is ${request.status}, not completed`;
    }
    if (row.kind === 'rejection' && request.status !== 'rejected') {
      return `the request is ${request.status}, not rejected`;
    }
    if (
      row.kind === 'completion' &&
      request.exportExpiresAt &&
      request.exportExpiresAt <= new Date()
    ) {
      return 'the access package has expired';
    }
    return undefined;
  }

  private async compose(row: ClaimedMail, r: PrivacyRequestEntity): Promise<RenderedMail> {
    const t = templatesFor(row.language);
    const due = localDueDate(
      row.details.dueAt ? new Date(row.details.dueAt) : (r.extendedDueAt ?? r.dueAt),
      this.deadlines.calendar(r.jurisdiction),
    );
    const reason = row.reasonCiphertext
      ? await this.mails.openReason(row.reasonCiphertext, row.id)
      : '';
    const base = { requestId: r.id, type: r.type };
    switch (row.kind) {
      case 'receipt':
        return t.receipt({ ...base, due });
      case 'extension':
        return t.extension({ ...base, due, reason });
      case 'rejection':
        return t.rejection({ ...base, reason });
      case 'completion':
        if (r.type === 'access') {
          // A fresh link each time it is mailed; the outbox never holds one.
          const link = this.links.issue(r);
          return t.completion({ ...base, download: { url: link.url, expiresAt: link.expiresAt } });
        }
        return t.completion({ ...base, done: await this.counts(r.id) });
      default:
        return assertUnreachable(row.kind);
    }
  }

  /** Systems that took part and records they changed: counts only. */
  private async counts(requestId: string): Promise<{ systems: number; records: number }> {
    const tasks = await this.requests.findTasks(requestId);
    const records = (result: TaskResult): number =>
      // An unlinked row is another's, kept; it only lost its reference to an erased one.
      result.collections?.filter((c) => c.action !== 'unlinked').reduce((n, c) => n + c.rows, 0) ??
      result.count ??
      0;
    return { systems: tasks.length, records: tasks.reduce((n, t) => n + records(t.result), 0) };
  }
}
