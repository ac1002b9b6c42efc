import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditedChange, AuditRecord, AuditService } from 'src/audit/audit.service';
import { DataStoreEntity } from 'src/data-stores/entities/data-store.entity';
import { PrivacyRequestTaskEntity } from './entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import type { RequestType } from './deadlines/deadline-rules';
import { RequestStatus } from './privacy-request.types';

/** Guarded by the status the caller read: a concurrent change makes it match no row. */
const TRANSITION_SQL = `
  UPDATE privacy_requests
     SET status = $3, updated_at = now(),
         completed_at = CASE WHEN $3 = 'completed' THEN $4::timestamptz ELSE completed_at END,
         failure_reason = CASE WHEN $3 = 'completed' THEN NULL ELSE failure_reason END
   WHERE id = $1 AND status = $2
  RETURNING id`;

const INSERT_REQUEST_SQL = `
  INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
    email_index, subject_id_index, received_at, due_at, due_rule, webhook_url, requested_by)
  VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  RETURNING id`;

const INSERT_TASKS_SQL = `
  INSERT INTO privacy_request_tasks (id, request_id, data_store_id, data_store_name, status)
  SELECT t.id, $1::uuid, t.store_id, t.store_name, 'pending'
    FROM unnest($13::uuid[], $14::uuid[], $15::text[]) AS t(id, store_id, store_name)`;

/** The stores a request of this type has a task in. */
function taking<T extends Pick<DataStoreEntity, 'type'>>(type: RequestType, stores: T[]): T[] {
  return stores.filter((s) => type === 'access' || type === 'erasure' || s.type === 'http');
}

/** Status changes and task creation, each written atomically with its audit event. */
@Injectable()
export class PrivacyRequestCommits {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * A request its caller vouches for: inserted already queued, with one task per store that
   * takes part and the `queued` audit event, in one statement. Returns the task ids.
   */
  async insertQueued(ctx: RequestContext, request: PrivacyRequestEntity): Promise<string[]> {
    const stores = await this.dataSource.getRepository(DataStoreEntity).find({
      select: { id: true, name: true, type: true },
      order: { createdAt: 'ASC' },
    });
    const tasks = taking(request.type, stores).map((s) => ({ id: randomUUID(), store: s }));
    request.status = 'queued';
    await this.audit.recordChange(
      ctx,
      statusRecord(request, 'pending_verification', 'queued', { tasks: tasks.length }),
      {
        with: [{ name: 'tasks', sql: INSERT_TASKS_SQL }],
        sql: INSERT_REQUEST_SQL,
        params: [
          request.id,
          request.type,
          request.jurisdiction,
          request.source,
          request.subjectCiphertext,
          request.emailIndex,
          request.subjectIdIndex,
          request.receivedAt,
          request.dueAt,
          request.dueRule,
          request.webhookUrl,
          request.requestedBy,
          tasks.map((t) => t.id),
          tasks.map((t) => t.store.id),
          tasks.map((t) => t.store.name),
        ],
      },
    );
    return tasks.map((t) => t.id);
  }

  /** Verified: one task per store that takes part, then `queued`. */
  async queue(m: EntityManager, ctx: RequestContext, request: PrivacyRequestEntity): Promise<void> {
    const stores = await m.find(DataStoreEntity, { order: { createdAt: 'ASC' } });
    const joining = taking(request.type, stores);
    if (joining.length > 0) {
      await m.insert(
        PrivacyRequestTaskEntity,
        joining.map((s) => ({
          requestId: request.id,
          dataStoreId: s.id,
          dataStoreName: s.name,
          status: 'pending' as const,
        })),
      );
    }
    await this.setStatus(m, ctx, request, 'queued', { tasks: joining.length });
  }

  /**
   * Moves a request from `from` to `status` unless it has left `from` meanwhile. The change and
   * its audit event are one statement committing on its own, so the audit append lock is held
   * only inside the database. Returns whether it moved (false: another worker, a DPO or a
   * failure got there first).
   */
  async transition(
    ctx: RequestContext,
    request: Pick<PrivacyRequestEntity, 'id' | 'type'>,
    from: RequestStatus,
    status: RequestStatus,
    details: Record<string, unknown> = {},
  ): Promise<boolean> {
    const event = await this.audit.recordChange(
      ctx,
      statusRecord(request, from, status, details),
      statusChange(request, from, status),
    );
    return event !== null;
  }

  /** The same change inside the caller's transaction, which holds the request's row lock. */
  async setStatus(
    m: EntityManager,
    ctx: RequestContext,
    request: PrivacyRequestEntity,
    status: RequestStatus,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const from = request.status;
    const event = await this.audit.recordChange(
      ctx,
      statusRecord(request, from, status, details),
      statusChange(request, from, status),
      m,
    );
    if (event === null) {
      throw new Error(`Privacy request ${request.id} left ${from} under its row lock`);
    }
    request.status = status;
  }
}

function statusChange(
  request: Pick<PrivacyRequestEntity, 'id'>,
  from: RequestStatus,
  status: RequestStatus,
): AuditedChange {
  return { sql: TRANSITION_SQL, params: [request.id, from, status, new Date()] };
}

function statusRecord(
  request: Pick<PrivacyRequestEntity, 'id' | 'type'>,
  from: RequestStatus,
  status: RequestStatus,
  details: Record<string, unknown>,
): AuditRecord {
  return {
    action: `privacy_request.${status}`,
    target: { type: 'privacy_request', id: request.id },
    details: { from, to: status, type: request.type, ...details },
  };
}
