import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { actorOf } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { chainHash, GENESIS_HASH } from './audit-chain';
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

/** Any constant works; it only has to be the same for every appender. */
const APPEND_LOCK = 7_310_001;

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends one event to the hash chain. Appends are serialised by a transaction-scoped advisory
   * lock so two events never claim the same predecessor. Pass `manager` to join the caller's
   * transaction: the event then commits or rolls back with the change it records.
   */
  async record(
    ctx: RequestContext,
    record: AuditRecord,
    manager?: EntityManager,
  ): Promise<AuditEventEntity> {
    const run = (m: EntityManager): Promise<AuditEventEntity> => this.append(m, ctx, record);
    const saved = manager ? await run(manager) : await this.dataSource.transaction(run);
    this.logger.log({ audit: this.toLogLine(saved) }, `audit ${saved.action}`);
    return saved;
  }

  private async append(
    m: EntityManager,
    ctx: RequestContext,
    record: AuditRecord,
  ): Promise<AuditEventEntity> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const last = await m.query<Array<{ hash: string }>>(
      'SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
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
      prevHash: last[0]?.hash ?? GENESIS_HASH,
    });
    event.hash = chainHash(event.prevHash, event);
    // jsonb details do not fit TypeORM's deep-partial type; the entity itself is complete.
    await m.insert(AuditEventEntity, event as QueryDeepPartialEntity<AuditEventEntity>);
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
