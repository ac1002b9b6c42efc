import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { decodeCursor, encodeCursor, Page } from 'src/common/pagination/cursor';
import { AuditService } from 'src/audit/audit.service';
import { extendedDeadline } from '../deadlines/deadline-rules';
import { ListPrivacyRequestsQueryDto } from '../dto/list-query.dto';
import { PrivacyRequestSummaryDto, SlaDto } from '../dto/privacy-request.dto';
import { PrivacyRequestTaskEntity } from '../entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from '../entities/privacy-request.entity';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';
import { WorkflowQueue } from '../workflow/workflow-queue.service';

type Cursor = { d: string; id: string };
const isCursor = (v: unknown): v is Cursor =>
  typeof (v as Cursor)?.d === 'string' && typeof (v as Cursor)?.id === 'string';
const OPEN = `status IN ('pending_verification','queued','in_progress')`;
const DUE = 'coalesce(extended_due_at, due_at)';

/** The DPO's desk: the list soonest due first, SLA figures, extend, reject, retry. */
@Injectable()
export class PrivacyRequestAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly commits: PrivacyRequestCommits,
    private readonly workflow: WorkflowQueue,
    private readonly audit: AuditService,
  ) {}

  async list(q: ListPrivacyRequestsQueryDto): Promise<Page<PrivacyRequestSummaryDto>> {
    const cursor = decodeCursor(q.cursor, isCursor);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.status) {
      add('status = ?', q.status);
    }
    if (q.type) {
      add('type = ?', q.type);
    }
    if (q.overdue === true) {
      where.push(`${OPEN} AND ${DUE} < now()`);
    } else if (q.overdue === false) {
      where.push(`NOT (${OPEN} AND ${DUE} < now())`);
    }
    if (q.dueBefore) {
      add(`${DUE} < ?`, q.dueBefore);
    }
    if (cursor) {
      params.push(cursor.d, cursor.id);
      where.push(`(${DUE}, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(q.limit + 1);
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        type: string;
        status: string;
        jurisdiction: string;
        received_at: Date;
        due: Date;
        overdue: boolean;
      }>
    >(
      `SELECT id, type, status, jurisdiction, received_at, ${DUE} AS due,
              (${OPEN} AND ${DUE} < now()) AS overdue
         FROM privacy_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${DUE}, id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        type: r.type as PrivacyRequestSummaryDto['type'],
        status: r.status as PrivacyRequestSummaryDto['status'],
        jurisdiction: r.jurisdiction as PrivacyRequestSummaryDto['jurisdiction'],
        receivedAt: r.received_at.toISOString(),
        dueAt: r.due.toISOString(),
        overdue: r.overdue,
      })),
      nextCursor:
        rows.length > q.limit && last
          ? encodeCursor({ d: last.due.toISOString(), id: last.id })
          : null,
    };
  }

  async sla(): Promise<SlaDto> {
    const [totals] = await this.dataSource.query<
      Array<{ open: number; overdue: number; due7: number; done30: number; median: number | null }>
    >(
      `SELECT count(*) FILTER (WHERE ${OPEN})::int AS open,
              count(*) FILTER (WHERE ${OPEN} AND ${DUE} < now())::int AS overdue,
              count(*) FILTER (WHERE ${OPEN} AND ${DUE} >= now() AND ${DUE} < now() + interval '7 days')::int AS due7,
              count(*) FILTER (WHERE status = 'completed' AND completed_at > now() - interval '30 days')::int AS done30,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - received_at) / 86400)
                FILTER (WHERE status = 'completed' AND completed_at > now() - interval '30 days') AS median
         FROM privacy_requests`,
    );
    const group = async (column: 'type' | 'status'): Promise<Record<string, number>> => {
      const rows = await this.dataSource.query<Array<{ k: string; n: number }>>(
        `SELECT ${column} AS k, count(*)::int AS n FROM privacy_requests GROUP BY ${column}`,
      );
      return Object.fromEntries(rows.map((r) => [r.k, r.n]));
    };
    return {
      open: totals.open,
      overdue: totals.overdue,
      dueWithin7Days: totals.due7,
      completedLast30Days: totals.done30,
      medianDaysToComplete:
        totals.median === null ? null : Math.round(Number(totals.median) * 100) / 100,
      byType: await group('type'),
      byStatus: await group('status'),
    };
  }

  extend(ctx: RequestContext, id: string, reason: string): Promise<PrivacyRequestEntity> {
    return this.locked(id, async (m, r) => {
      if (r.extendedDueAt) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.AlreadyExtended,
          'Already extended once',
        );
      }
      if (!['pending_verification', 'queued', 'in_progress'].includes(r.status)) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          'The request is closed',
        );
      }
      if (r.dueAt < new Date()) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.PastDue, 'The due date has passed');
      }
      const extended = extendedDeadline(r.jurisdiction, r.type, r.receivedAt);
      if (!extended) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.NotExtendable,
          'This jurisdiction allows no extension for this type',
        );
      }
      r.extendedDueAt = extended.dueAt;
      r.extendedRule = extended.rule;
      await m.update(
        PrivacyRequestEntity,
        { id },
        { extendedDueAt: extended.dueAt, extendedRule: extended.rule },
      );
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
  }

  reject(ctx: RequestContext, id: string, reason: string): Promise<PrivacyRequestEntity> {
    return this.locked(id, async (m, r) => {
      if (!['pending_verification', 'queued', 'in_progress', 'failed'].includes(r.status)) {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          'The request is closed',
        );
      }
      await m.update(PrivacyRequestEntity, { id }, { failureReason: reason });
      await this.commits.setStatus(m, ctx, r, 'rejected');
      return r;
    });
  }

  async retry(ctx: RequestContext, id: string): Promise<PrivacyRequestEntity> {
    const r = await this.locked(id, async (m, r) => {
      if (r.status !== 'failed') {
        throw new PrivacyRequestError(
          PrivacyRequestErrorCode.InvalidState,
          'Only a failed request is retried',
        );
      }
      r.generation += 1;
      await m.update(
        PrivacyRequestEntity,
        { id },
        { generation: r.generation, failureReason: null },
      );
      await m.update(
        PrivacyRequestTaskEntity,
        { requestId: id, status: 'failed' },
        { status: 'pending' },
      );
      await this.commits.setStatus(m, ctx, r, 'queued', { retry: r.generation });
      return r;
    });
    this.workflow.enqueueSoon(id);
    return r;
  }

  private locked<T>(
    id: string,
    work: (m: EntityManager, r: PrivacyRequestEntity) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      const r = await m.findOne(PrivacyRequestEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!r) {
        throw new PrivacyRequestError(PrivacyRequestErrorCode.NotFound, 'No such request');
      }
      return work(m, r);
    });
  }
}
