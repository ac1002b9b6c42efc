import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import {
  decodeCursor,
  encodeCursor,
  isCursorInstant,
  isCursorUuid,
  Page,
} from 'src/common/pagination/cursor';
import { AuditService } from 'src/audit/audit.service';
import { IncidentsService } from 'src/incidents/incidents.service';
import { DeadlineCalendars } from '../deadlines/deadline-calendars.service';
import { ListPrivacyRequestsQueryDto } from '../dto/list-query.dto';
import { PrivacyRequestSummaryDto, SlaDto } from '../dto/privacy-request.dto';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { SubjectMailOutbox } from '../notifications/subject-mail-outbox.service';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { canTransition, isOpen, RequestStatus } from '../privacy-request.state';
import { WorkflowQueue } from '../workflow/workflow-queue.service';

type Cursor = { d: string; id: string };

/** Statuses a DPO may retry: failed, or active and perhaps stuck. */
const RETRIED_STATUSES: readonly RequestStatus[] = ['failed', 'queued', 'in_progress'];
const isCursor = (v: unknown): v is Cursor =>
  isCursorInstant((v as Cursor)?.d) && isCursorUuid((v as Cursor)?.id);

/** The DPO's desk: the list soonest due first, SLA figures, extend, reject, retry. */
@Injectable()
export class PrivacyRequestAdminService {
  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly commits: PrivacyRequestCommits,
    private readonly workflow: WorkflowQueue,
    private readonly audit: AuditService,
    private readonly incidents: IncidentsService,
    private readonly deadlines: DeadlineCalendars,
    private readonly mails: SubjectMailOutbox,
  ) {}

  async list(q: ListPrivacyRequestsQueryDto): Promise<Page<PrivacyRequestSummaryDto>> {
    const cursor = decodeCursor(q.cursor, ['d', 'id'], isCursor);
    const rows = await this.requests.list({
      status: q.status,
      type: q.type,
      overdue: q.overdue,
      dueBefore: q.dueBefore,
      after: cursor ? { due: cursor.d, id: cursor.id } : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        type: r.type,
        status: r.status,
        jurisdiction: r.jurisdiction,
        receivedAt: r.received_at.toISOString(),
        dueAt: r.due.toISOString(),
        dueRule: r.extended_rule ?? r.due_rule,
        extendedDueAt: r.extended_due_at?.toISOString(),
        extensionReason: r.extension_reason ?? undefined,
        acknowledgeBy: r.acknowledge_by?.toISOString(),
        acknowledgedAt: r.acknowledged_at?.toISOString(),
        overdue: r.overdue,
      })),
      nextCursor:
        rows.length > q.limit && last
          ? encodeCursor({ d: last.due.toISOString(), id: last.id })
          : null,
    };
  }

  async sla(): Promise<SlaDto> {
    const totals = await this.requests.slaTotals();
    return {
      open: totals.open,
      overdue: totals.overdue,
      dueWithin7Days: totals.due7,
      completedLast30Days: totals.done30,
      medianDaysToComplete:
        totals.median === null ? null : Math.round(Number(totals.median) * 100) / 100,
      byType: await this.requests.countBy('type'),
      byStatus: await this.requests.countBy('status'),
      incidents: await this.incidents.clock(),
    };
  }

  async extend(ctx: RequestContext, id: string, reason: string): Promise<PrivacyRequestEntity> {
    const extended = await this.locked(id, async (m, r) => {
      if (r.extendedDueAt) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.AlreadyExtended,
          'Already extended once',
        );
      }
      if (!isOpen(r.status)) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          'The request is closed',
        );
      }
      if (r.dueAt < new Date()) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.PastDue, 'The due date has passed');
      }
      const extended = this.deadlines.extended(r.jurisdiction, r.type, r.receivedAt);
      if (!extended) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.NotExtendable,
          'This jurisdiction allows no extension for this type',
        );
      }
      r.extendedDueAt = extended.dueAt;
      r.extendedRule = extended.rule;
      r.extensionReason = reason;
      await this.requests.setExtension(m, id, { ...extended, reason });
      if (SubjectMailOutbox.tells(r)) {
        await this.mails.add(m, id, 'extension', { dueAt: extended.dueAt, reason });
      }
      await this.audit.record(
        ctx,
        {
          action: 'privacy_request.extended',
          target: { type: 'privacy_request', id },
          details: {
            reasonLength: reason.length,
            rule: extended.rule,
            dueAt: extended.dueAt.toISOString(),
          },
        },
        m,
      );
      return r;
    });
    this.mails.sendSoon(id);
    return extended;
  }

  async reject(ctx: RequestContext, id: string, reason: string): Promise<PrivacyRequestEntity> {
    const rejected = await this.locked(id, async (m, r) => {
      if (!canTransition(r.status, 'rejected')) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          'The request is closed',
        );
      }
      const mail = SubjectMailOutbox.tells(r)
        ? await this.mails.entry('rejection', { reason })
        : undefined;
      await this.requests.setFailureReason(m, id, reason);
      await this.commits.setStatus(m, ctx, r, 'rejected', {}, mail);
      return r;
    });
    this.mails.sendSoon(id);
    return rejected;
  }

  /** A DPO lets a request waiting for approval (REQUEST_APPROVAL=manual) go to the workers. */
  async approve(ctx: RequestContext, id: string): Promise<PrivacyRequestEntity> {
    const r = await this.locked(id, async (m, r) => {
      if (r.status !== 'pending_approval') {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          `A ${r.status} request is not waiting for approval`,
        );
      }
      await this.commits.setStatus(m, ctx, r, 'queued', { approved: true });
      return r;
    });
    this.workflow.enqueueSoon(id);
    return r;
  }

  /**
   * A new run of a request that failed or seems stuck (`queued`, `in_progress`): fresh job ids,
   * failed tasks pending again, completed ones kept. Jobs of the replaced run find the request
   * moved on and do nothing. A request not yet verified or approved has no run to retry, and a
   * completed or rejected one is closed.
   */
  async retry(ctx: RequestContext, id: string): Promise<PrivacyRequestEntity> {
    let replaced = 0;
    const r = await this.locked(id, async (m, r) => {
      if (!RETRIED_STATUSES.includes(r.status)) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          `A ${r.status} request is not retried: only a failed, queued or in_progress one is`,
        );
      }
      replaced = r.generation;
      r.generation += 1;
      await this.requests.startNewRun(m, id, r.generation);
      if (r.status === 'failed') {
        await this.commits.setStatus(m, ctx, r, 'queued', { retry: r.generation });
      } else {
        await this.audit.record(
          ctx,
          {
            action: 'privacy_request.retried',
            target: { type: 'privacy_request', id },
            details: { type: r.type, status: r.status, retry: r.generation },
          },
          m,
        );
      }
      return r;
    });
    await this.workflow.discard(id, replaced).catch(() => undefined);
    this.workflow.enqueueSoon(id);
    return r;
  }

  private locked<T>(
    id: string,
    work: (m: EntityManager, r: PrivacyRequestEntity) => Promise<T>,
  ): Promise<T> {
    return this.requests.transaction(async (m) => {
      const r = await this.requests.lockById(m, id);
      if (!r) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
      }
      return work(m, r);
    });
  }
}
