import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { actorOf } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { canonicalEvent } from './audit-chain';
import { AuditEventEntity, AuditOutcome } from './entities/audit-event.entity';

export interface AuditRecord {
  action: string;
  outcome?: AuditOutcome;
  target?: { type: string; id?: string | null };
  /** Counts, ids and reasons only: never personal data or secrets. */
  details?: Record<string, unknown>;
  /** Overrides the actor taken from the request context (e.g. a failed login's account). */
  actor?: { type: string; id: string | null };
}

/** audit_append (migration AuditAppendFunction) locks, links and inserts in one statement. */
const APPEND_SQL =
  'SELECT seq, prev_hash, hash FROM audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends one event to the hash chain. Appends are serialised by a transaction-scoped advisory
   * lock so two events never claim the same predecessor. Pass `manager` to join the caller's
   * transaction: the event then commits or rolls back with the change it records, and the lock
   * is held until that transaction ends, so make the append its last statement. Without
   * `manager` the append is a transaction of its own, one statement long.
   */
  async record(
    ctx: RequestContext,
    record: AuditRecord,
    manager?: EntityManager,
  ): Promise<AuditEventEntity> {
    const saved = await this.append(manager ?? this.dataSource.manager, ctx, record);
    this.logger.log({ audit: this.toLogLine(saved) }, `audit ${saved.action}`);
    return saved;
  }

  private async append(
    m: EntityManager,
    ctx: RequestContext,
    record: AuditRecord,
  ): Promise<AuditEventEntity> {
    const actor = record.actor ?? actorOf(ctx.caller);
    const event = m.create(AuditEventEntity, {
      id: randomUUID(),
      occurredAt: new Date(),
      actorType: actor.type,
      actorId: actor.id,
      action: record.action,
      targetType: record.target?.type ?? null,
      targetId: record.target?.id ?? null,
      outcome: record.outcome ?? 'success',
      requestId: ctx.requestId ?? null,
      details: record.details ?? {},
    });
    const [linked] = await m.query<Array<{ seq: string; prev_hash: string; hash: string }>>(
      APPEND_SQL,
      [
        event.id,
        event.occurredAt,
        event.actorType,
        event.actorId,
        event.action,
        event.targetType,
        event.targetId,
        event.outcome,
        event.requestId,
        JSON.stringify(event.details),
        canonicalEvent(event),
      ],
    );
    event.seq = linked.seq;
    event.prevHash = linked.prev_hash;
    event.hash = linked.hash;
    return event;
  }

  private toLogLine(e: AuditEventEntity): Record<string, unknown> {
    return {
      id: e.id,
      time: e.occurredAt.toISOString(),
      actor: { type: e.actorType, id: e.actorId },
      action: e.action,
      target: e.targetType ? { type: e.targetType, id: e.targetId } : undefined,
      outcome: e.outcome,
      requestId: e.requestId,
      details: e.details,
      hash: e.hash,
    };
  }
}
