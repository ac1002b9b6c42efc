import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { actorOf } from 'src/common/access/caller';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AppConfig } from 'src/config/app-config';
import { SecurityEventBus } from 'src/security-alerts/security-event-bus';
import { canonicalEvent, deriveChainKey, hmacPads } from './audit-chain';
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

/**
 * A data-modifying statement ending in RETURNING: the event is appended when it returns a row.
 * `with` are further data-modifying statements run in the same statement (as named CTEs);
 * `then` likewise, after the change, so they can read its rows as `change` (and act only when it
 * did). `$1`… number the parameters of all of them.
 */
export interface AuditedChange {
  /**
   * For a hot change whose text never varies under this name: outside a transaction it is sent
   * as a named statement, which PostgreSQL parses once per connection instead of on every call.
   */
  name?: string;
  sql: string;
  params: unknown[];
  with?: Array<{ name: string; sql: string }>;
  then?: Array<{ name: string; sql: string }>;
}

/**
 * What a change's statement answers besides the event (see `recordChangesAnswering`): the rows
 * of `sql`, a query over the statement's CTEs, in `orderBy`'s order (columns of `sql` as `r.`).
 */
export interface ChangeAnswer {
  sql: string;
  orderBy?: string;
}

/** `appendCall`'s texts by first parameter, each made once: every audited change needs one. */
const appendCalls: string[] = [];
/** audit_append (migration AuditKeyedChain) locks, links and inserts in one call. */
const appendCall = (first: number): string =>
  (appendCalls[first] ??=
    `audit_append(${Array.from({ length: 14 }, (_, i) => `$${first + i}`).join(', ')})`);

const APPEND_SQL = `SELECT seq, prev_hash, hash FROM ${appendCall(1)}`;

type Linked = Array<{ seq: string; prev_hash: string; hash: string }>;

const withClause = (change: AuditedChange): string => {
  const ctes = [
    ...(change.with ?? []),
    { name: 'change', sql: change.sql },
    ...(change.then ?? []),
  ];
  return `WITH ${ctes.map((c) => `${c.name} AS (${c.sql})`).join(', ')}`;
};

/**
 * The append as a sub-select of one row when the change returned any, else none. OFFSET 0 keeps
 * it from being flattened, so audit_append runs once per row of it, and the LIMIT makes that at
 * most once.
 */
const appendOnce = (change: AuditedChange): string =>
  `(SELECT ${appendCall(change.params.length + 1)} AS a
      FROM (SELECT 1 FROM change LIMIT 1) c OFFSET 0)`;

/** Levels at which the service's logger writes Nest's `log` lines (pino's info) at all. */
const LOG_LINE_LEVELS = new Set(['info', 'debug', 'trace']);

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  /** Whether an event's log line is written; at `warn` and above it is not even built. */
  private readonly logLines: boolean;

  private readonly chainKeyId: string;
  private readonly innerPad: Buffer;
  private readonly outerPad: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
    /** Anomaly detection watches audited acts; absent where no detection runs. */
    @Optional() private readonly securityEvents?: SecurityEventBus,
  ) {
    this.logLines = LOG_LINE_LEVELS.has(config.logLevel);
    const { id, key } = deriveChainKey(config.masterKey);
    const { inner, outer } = hmacPads(key);
    this.chainKeyId = id;
    this.innerPad = inner;
    this.outerPad = outer;
  }

  /**
   * Appends one event to the keyed hash chain. Appends are serialised by a transaction-scoped advisory
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
    const event = this.build(ctx, record);
    const [linked] = await (manager ?? this.dataSource.manager).query<Linked>(
      APPEND_SQL,
      this.appendParams(event),
    );
    this.securityEvents?.audited(event, ctx);
    return this.linked(event, linked);
  }

  /**
   * Runs `change` and, in the same statement, appends the event if the change returned a row;
   * null (and no event) when it changed nothing. Outside a transaction the statement commits on
   * its own, so the change and its event stay atomic while the append lock is held only inside
   * the server, for that statement and its commit.
   */
  async recordChange(
    ctx: RequestContext,
    record: AuditRecord,
    change: AuditedChange,
    manager?: EntityManager,
  ): Promise<AuditEventEntity | null> {
    const event = this.build(ctx, record);
    const sql = `${withClause(change)}
      SELECT (e.a).seq, (e.a).prev_hash, (e.a).hash FROM ${appendOnce(change)} e`;
    const [linked] = await this.send<Linked[number]>(change, sql, event, manager);
    return linked ? this.appended(ctx, event, linked) : null;
  }

  /**
   * `recordChange` for a change of several rows, each with its own event, whose statement also
   * answers `answer`'s rows, read in the statement's snapshot (as before its change), whether or
   * not the change returned a row: a change made on the way while reading saves a round trip and
   * a commit. `records` holds the events by the id (column `id`) of the row whose change they
   * record; an event is appended for each row the change returned that has one (in one lock and
   * one commit for all). Answers the events appended, by that id, and `answer`'s rows.
   */
  async recordChangesAnswering<R extends object>(
    ctx: RequestContext,
    records: Map<string, AuditRecord>,
    change: AuditedChange,
    answer: ChangeAnswer,
  ): Promise<{ events: Map<string, AuditEventEntity>; rows: R[] }> {
    const built = new Map([...records].map(([id, record]) => [id, this.build(ctx, record)]));
    const events = [...built];
    const n = change.params.length;
    const p = (i: number): string => `$${n + i}`;
    // OFFSET 0 keeps the join from being flattened, so the append runs only for the rows the
    // change returned, once each.
    const sql = `${withClause(change)}, appended AS (
        SELECT e.row_id, a.seq, a.prev_hash, a.hash
          FROM (SELECT c.id AS row_id, v.*
                  FROM change c
                  JOIN unnest(${p(1)}::uuid[], ${p(2)}::uuid[], ${p(3)}::timestamptz[],
                              ${p(4)}::text[], ${p(5)}::text[], ${p(6)}::text[], ${p(7)}::text[],
                              ${p(8)}::text[], ${p(9)}::text[], ${p(10)}::text[],
                              ${p(11)}::jsonb[], ${p(12)}::text[])
                       WITH ORDINALITY
                       AS v(row_key, id, occurred_at, actor_type, actor_id, action, target_type,
                            target_id, outcome, request_id, details, canonical, ord)
                    ON v.row_key = c.id
                 ORDER BY v.ord OFFSET 0) e
         CROSS JOIN LATERAL audit_append(e.id, e.occurred_at, e.actor_type, e.actor_id, e.action,
                                         e.target_type, e.target_id, e.outcome, e.request_id,
                                         e.details, e.canonical, ${p(13)}, ${p(14)}, ${p(15)}) a)
      SELECT (SELECT coalesce(json_agg(json_build_object('row', row_id, 'seq', seq::text,
                                                         'prev_hash', prev_hash, 'hash', hash)),
                              '[]')
                FROM appended) AS audit_appended,
             r.*
        FROM (SELECT 1) one
        LEFT JOIN (${answer.sql}) r ON true
       ${answer.orderBy ? `ORDER BY ${answer.orderBy}` : ''}`;
    const column = <T>(pick: (e: AuditEventEntity) => T): T[] => events.map(([, e]) => pick(e));
    const values = [
      ...change.params,
      events.map(([id]) => id),
      column((e) => e.id),
      column((e) => e.occurredAt),
      column((e) => e.actorType),
      column((e) => e.actorId),
      column((e) => e.action),
      column((e) => e.targetType),
      column((e) => e.targetId),
      column((e) => e.outcome),
      column((e) => e.requestId),
      column((e) => JSON.stringify(e.details)),
      column((e) => canonicalEvent(e)),
      this.chainKeyId,
      this.innerPad,
      this.outerPad,
    ];
    const rows = await this.query<R & { audit_appended: Array<{ row: string } & Linked[number]> }>(
      change,
      sql,
      values,
      undefined,
    );
    const appended = new Map<string, AuditEventEntity>();
    for (const { row, ...linked } of rows[0].audit_appended) {
      appended.set(row, this.appended(ctx, built.get(row) as AuditEventEntity, linked));
    }
    return { events: appended, rows };
  }

  private send<R extends object>(
    change: AuditedChange,
    sql: string,
    event: AuditEventEntity,
    manager: EntityManager | undefined,
  ): Promise<R[]> {
    return this.query<R>(change, sql, [...change.params, ...this.appendParams(event)], manager);
  }

  private async query<R extends object>(
    change: AuditedChange,
    sql: string,
    values: unknown[],
    manager: EntityManager | undefined,
  ): Promise<R[]> {
    if (change.name !== undefined && manager === undefined) {
      // TypeORM types the pool it made as any; it is pg's.
      const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
      return (await pool.query<R>({ name: `audited_${change.name}`, text: sql, values })).rows;
    }
    return (manager ?? this.dataSource.manager).query<R[]>(sql, values);
  }

  private appended(
    ctx: RequestContext,
    event: AuditEventEntity,
    linked: Linked[number],
  ): AuditEventEntity {
    this.securityEvents?.audited(event, ctx);
    return this.linked(event, linked);
  }

  private build(ctx: RequestContext, record: AuditRecord): AuditEventEntity {
    const actor = record.actor ?? actorOf(ctx);
    // A flat entity: its fields on an instance, without TypeORM's metadata walk of `create`.
    return Object.assign(new AuditEventEntity(), {
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
  }

  private appendParams(event: AuditEventEntity): unknown[] {
    return [
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
      this.chainKeyId,
      this.innerPad,
      this.outerPad,
    ];
  }

  private linked(event: AuditEventEntity, linked: Linked[number]): AuditEventEntity {
    event.seq = linked.seq;
    event.prevHash = linked.prev_hash;
    event.hash = linked.hash;
    event.chainKey = this.chainKeyId;
    if (this.logLines) {
      this.logger.log({ audit: this.toLogLine(event) }, `audit ${event.action}`);
    }
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
