import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { AuditedChange, ChangeAnswer } from 'src/audit/audit.service';
import { WriteCoalescer } from 'src/common/batching/write-coalescer';
import { type SealedColumn, sealedColumnAt } from 'src/crypto/reseal/sealed-column';
import type { CollectionSpec, DataStoreType } from 'src/data-stores/data-store.types';
import { statementNames } from 'src/database/statement-name';
import type { DeadlineRule, Jurisdiction, RequestType } from './deadlines/deadline-rules';
import {
  outboxAfterChange,
  outboxAfterChanges,
} from './notifications/subject-mail-outbox.repository';
import type { OutboxEntry } from './notifications/subject-mail.types';
import { PrivacyRequestTaskEntity } from './entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import {
  ACTIVE_STATUSES,
  OPEN_STATUSES,
  RequestStatus,
  TaskStatus,
  UNFINISHED_TASK_STATUSES,
} from './privacy-request.state';
import type { TaskResult } from './privacy-request.types';
import type { PendingOutcome } from './workflow/task-outcome-memo';

/** A registered store, as far as requests need it. */
export interface StoreRef {
  id: string;
  name: string;
  type: DataStoreType;
}

/** A registered store with its description and version, for checking a rectification. */
export interface StoreDescription extends StoreRef {
  collections: CollectionSpec[];
  updatedAt: Date;
}

/** A task of a run, with its store's version, as the run's load read it. */
export interface TaskWork {
  taskId: string;
  taskStatus: TaskStatus;
  dataStoreId: string | null;
  dataStoreName: string;
  /** The store's type; null when the store was removed. */
  storeType: DataStoreType | null;
  /** The store's updated_at; null when the store was removed. */
  storeVersion: Date | null;
  /** What an earlier attempt's erasure wrote before its store committed, if any. */
  pendingOutcome: PendingOutcome | null;
}

/** A request about to run, with the tasks asked for, read in one query. */
export interface RunWork {
  type: RequestType;
  status: RequestStatus;
  /** The request's current run; a job of another run does nothing. */
  generation: number;
  subjectCiphertext: string;
  /** A rectification's corrections; null for other types. */
  correctionsCiphertext: string | null;
  /** Whether the subject is mailed at completion; where the completion webhook goes (sealed). */
  notify: boolean;
  webhookUrl: string | null;
  /** Ordered by store name; as they were before this load started any of them. */
  tasks: TaskWork[];
  /** Whether the load itself moved the request from queued to in_progress. */
  moved: boolean;
}

/** A request's status and current run, and its tasks' statuses, as the reconciler reads them. */
export interface RunState {
  status: RequestStatus;
  generation: number;
  tasks: Array<{ id: string; status: TaskStatus }>;
}

/** An active request with its run's state, as a reconciler pass lists them. */
export interface ActiveRun extends RunState {
  id: string;
  type: RequestType;
}

/** A request as its finishing step reads it, with its tasks ordered by store name. */
export interface FinishWork {
  request: Pick<
    PrivacyRequestEntity,
    | 'id'
    | 'type'
    | 'status'
    | 'generation'
    | 'subjectCiphertext'
    | 'notify'
    | 'webhookUrl'
    | 'jurisdiction'
    | 'receivedAt'
  >;
  tasks: Array<
    Pick<PrivacyRequestTaskEntity, 'id' | 'status' | 'dataStoreId' | 'dataStoreName' | 'result'>
  >;
}

/** A waiting manual task to remind DPOs of. */
export interface Reminder {
  taskId: string;
  requestId: string;
  dataStoreName: string;
  due: Date;
}

export interface AuditTrailEntry {
  action: string;
  occurredAt: Date;
  actorType: string;
  details: Record<string, unknown>;
}

export interface RequestListFilter {
  status?: RequestStatus;
  type?: RequestType;
  overdue?: boolean;
  dueBefore?: string;
  after?: { due: string; id: string };
  limit: number;
}

export interface RequestSummaryRow {
  id: string;
  type: RequestType;
  status: RequestStatus;
  jurisdiction: PrivacyRequestEntity['jurisdiction'];
  received_at: Date;
  due: Date;
  due_rule: DeadlineRule;
  extended_due_at: Date | null;
  extended_rule: DeadlineRule | null;
  extension_reason: string | null;
  acknowledge_by: Date | null;
  acknowledged_at: Date | null;
  overdue: boolean;
}

/** One request type's figures for a calendar year (CCPA §7102); days are fractional. */
export interface YearMetrics {
  type: RequestType;
  received: number;
  complied: number;
  denied: number;
  /** Null when no request of the type was answered. */
  medianDays: number | null;
  meanDays: number | null;
}

export interface SlaTotals {
  open: number;
  overdue: number;
  due7: number;
  done30: number;
  median: number | null;
}

const DUE = 'coalesce(extended_due_at, due_at)';
/** `$1` holds the open statuses in every query that uses it. */
const OPEN = 'status = ANY($1)';

const TRANSITION_SQL = `
  UPDATE privacy_requests
     SET status = $3, updated_at = now(),
         completed_at = CASE WHEN $3 = 'completed' THEN $4::timestamptz ELSE completed_at END,
         responded_at = CASE WHEN $3 IN ('completed', 'rejected') THEN $4::timestamptz
                             ELSE responded_at END,
         failure_reason = CASE WHEN $3 = 'completed' THEN NULL ELSE failure_reason END,
         acknowledged_at = CASE WHEN $3 IN ('queued', 'pending_approval')
                                     AND acknowledge_by IS NOT NULL
                                THEN coalesce(acknowledged_at, $4::timestamptz)
                                ELSE acknowledged_at END
   WHERE id = $1 AND status = $2
  RETURNING id`;

const INSERT_QUEUED_COLUMNS = `INSERT INTO privacy_requests (id, type, status, jurisdiction,
    source, subject_ciphertext, received_at, due_at, due_rule, webhook_url, requested_by,
    corrections_ciphertext, acknowledge_by, acknowledge_rule, acknowledged_at, notify,
    status_token_hash)`;
const INSERT_QUEUED_VALUES = `$1, $2, $17, $3, $4, $5, $6, $7, $8, $9, $10, $14, $15, $16,
    CASE WHEN $15::timestamptz IS NULL THEN NULL ELSE now() END, $18, $19`;
const INSERT_QUEUED_SQL = `${INSERT_QUEUED_COLUMNS} VALUES (${INSERT_QUEUED_VALUES}) RETURNING id`;

const INSERT_TASKS_SQL = `
  INSERT INTO privacy_request_tasks (id, request_id, data_store_id, data_store_name, status)
  SELECT t.id, $1::uuid, t.store_id, t.store_name, 'pending'
    FROM unnest($11::uuid[], $12::uuid[], $13::text[]) AS t(id, store_id, store_name)`;

/** The order the registered stores are read in, and compared in by `STORES_AS_READ_SQL`. */
const STORE_ORDER = 'ORDER BY created_at, id';

/**
 * Whether the registered stores are still those read earlier (ids, names and types in order,
 * `$20`-`$22`), so a request's tasks can be made from that reading in the statement itself.
 */
const STORES_AS_READ_SQL = `
  SELECT coalesce(array_agg(id ${STORE_ORDER}), '{}') = $20::uuid[]
     AND coalesce(array_agg(name ${STORE_ORDER}), '{}') = $21::text[]
     AND coalesce(array_agg(type ${STORE_ORDER}), '{}') = $22::text[] AS same
    FROM data_stores`;
const IF_STORES_AS_READ = 'WHERE (SELECT same FROM stores_as_read)';

/**
 * Runs' loads and starts, one statement for several runs (one per request): reads each run's
 * request (`$3`) and its tasks (all, or only that of `$6`) and, when there is work to do (the
 * request active, and the job of its current run, `$4`), counts an attempt of every unfinished
 * task and marks it in progress (a WITH update runs whether or not the query reads it). A queued
 * request of the type its job carries (`$5`) moves to in_progress as the statement's audited
 * change when a task of it started; with no type (a job that does not carry its request's) it
 * stays queued for the caller to move. The rows answered are from before the updates; a request
 * without tasks is one row whose task columns are null, one not found answers none.
 */
const LOAD_REQUESTS_SQL = `
  SELECT r.id, r.type, r.status, r.generation, r.subject_ciphertext, r.corrections_ciphertext,
         r.notify, r.webhook_url, j.generation AS job_generation, j.type AS job_type,
         j.only_task
    FROM unnest($3::uuid[], $4::int[], $5::text[], $6::uuid[])
         AS j(id, generation, type, only_task)
    JOIN privacy_requests r ON r.id = j.id`;
const START_TASKS_SQL = `
  UPDATE privacy_request_tasks t
     SET status = 'in_progress', attempts = attempts + 1, updated_at = now()
    FROM req
   WHERE t.request_id = req.id AND (req.only_task IS NULL OR t.id = req.only_task)
     AND t.status = ANY($1) AND req.status = ANY($2)
     AND (req.job_generation IS NULL OR req.generation = req.job_generation)
  RETURNING t.request_id`;
const START_REQUESTS_SQL = `
  UPDATE privacy_requests r SET status = 'in_progress', updated_at = now()
    FROM req
   WHERE r.id = req.id AND req.type = req.job_type AND r.status = 'queued'
     AND EXISTS (SELECT 1 FROM started s WHERE s.request_id = req.id)
  RETURNING r.id`;
const RUNS_LOAD_SQL = `
  SELECT req.id AS request_id, req.type, req.status, req.generation, req.subject_ciphertext,
         req.corrections_ciphertext, req.notify, req.webhook_url, t.id AS task_id,
         t.status AS task_status, t.data_store_id,
         t.data_store_name, t.pending_outcome, s.updated_at AS store_version,
         s.type AS store_type
    FROM req
    LEFT JOIN privacy_request_tasks t
      ON t.request_id = req.id AND (req.only_task IS NULL OR t.id = req.only_task)
    LEFT JOIN data_stores s ON s.id = t.data_store_id`;

/** A finishing step's own part of a run's completion statement (`completeRunsChange`). */
export interface CompletionStep {
  /**
   * An SQL condition that, when true, keeps the request (its row is `r`) from completing (its
   * results are kept).
   */
  holdIf?: string;
  /** Data-modifying CTEs after the change, which they read as `change`. */
  then?: Array<{ name: string; sql: string }>;
  /** The parameters of both, numbered from the one the step is given. */
  params: unknown[];
}

/** A row of the runs' load (`RUNS_LOAD_SQL`); `request_id` is null when no request was found. */
export interface RunLoadRow {
  request_id: string | null;
  type: RequestType;
  status: RequestStatus;
  generation: number;
  subject_ciphertext: string;
  corrections_ciphertext: string | null;
  notify: boolean;
  webhook_url: string | null;
  task_id: string | null;
  task_status: TaskStatus;
  data_store_id: string | null;
  data_store_name: string;
  pending_outcome: PendingOutcome | null;
  store_version: Date | null;
  store_type: DataStoreType | null;
}

/**
 * Runs that completed every task of their requests, finished in one statement: the tasks'
 * results recorded (`$5`, ids again as `$6`; a task already completed keeps its own, as in
 * `completeTasks`), and each request (`$3`, each of run `$4`) completed from `$1` at `$2` when no
 * other task of it is left unfinished and its finishing step's own condition does not hold it
 * back. One run per request.
 */
const RUN_RESULTS_SQL = `
  UPDATE privacy_request_tasks t
     SET status = 'completed', result = d.result, detail = d.detail, pending_outcome = NULL,
         updated_at = now()
    FROM json_to_recordset($5::json) AS d(id uuid, result jsonb, detail text)
   WHERE t.id = ANY($6::uuid[]) AND t.id = d.id AND t.status <> 'completed'
  RETURNING t.id`;
const RUN_COMPLETION_SQL = `
  UPDATE privacy_requests r
     SET status = 'completed', updated_at = now(), completed_at = $2, responded_at = $2,
         failure_reason = NULL
    FROM unnest($3::uuid[], $4::int[]) AS run(id, generation)
   WHERE r.id = ANY($3::uuid[]) AND r.id = run.id AND r.status = $1
     AND r.generation = run.generation
     AND NOT EXISTS (SELECT 1 FROM privacy_request_tasks t
                      WHERE t.request_id = r.id AND t.status <> 'completed'
                        AND NOT (t.id = ANY($6::uuid[])))`;

/** The run completion's statements by name: their text varies with the step and the mail. */
const completionName = statementNames('privacy_run_done_');

/** The finishing step's read: a request without tasks is one row whose task columns are null. */
const FINISH_LOAD_SQL = `
  SELECT r.id, r.type, r.status, r.generation, r.subject_ciphertext, r.notify, r.webhook_url,
         r.jurisdiction, r.received_at, t.id AS task_id, t.status AS task_status,
         t.data_store_id, t.data_store_name, t.result
    FROM privacy_requests r
    LEFT JOIN privacy_request_tasks t ON t.request_id = r.id
   WHERE r.id = $1
   ORDER BY t.data_store_name`;

/** Open requests are kept whatever their age, but one never verified: it was abandoned. */
const NEVER_PURGED = OPEN_STATUSES.filter((s) => s !== 'pending_verification');

/** How a record counts in the metrics once answered, or not. */
const OUTCOME = `CASE status WHEN 'completed' THEN 'complied' WHEN 'rejected' THEN 'denied'
                   ELSE 'unanswered' END`;
const DAYS_TO_RESPOND = `CASE WHEN status IN ('completed', 'rejected')
                           THEN extract(epoch FROM responded_at - received_at) / 86400 END`;

/**
 * `SKIP LOCKED` leaves a record a DPO or worker holds for the next run. Days to respond are kept
 * to a hundredth of a day, so medians and means survive the purge.
 */
const PURGE_SQL = `
  WITH doomed AS (
    SELECT id FROM privacy_requests
     WHERE received_at < $1 AND NOT (status = ANY($2))
     ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM privacy_requests r USING doomed d WHERE r.id = d.id
    RETURNING r.jurisdiction, r.type, r.status, r.received_at, r.responded_at, r.export_path
  ), counted AS (
    INSERT INTO privacy_request_metrics AS m
      (year, jurisdiction, type, outcome, days_to_respond, requests)
    SELECT extract(year FROM g.received_at AT TIME ZONE z.zone)::int, g.jurisdiction, g.type,
           ${OUTCOME}, round((${DAYS_TO_RESPOND})::numeric, 2), count(*)::int
      FROM gone g JOIN unnest($4::text[], $5::text[]) AS z(jurisdiction, zone)
        ON z.jurisdiction = g.jurisdiction
     GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (year, jurisdiction, type, outcome, (coalesce(days_to_respond, -1)))
    DO UPDATE SET requests = m.requests + excluded.requests
  )
  SELECT export_path FROM gone`;

const YEAR_METRICS_SQL = `
  WITH kept AS (
    SELECT type, ${OUTCOME} AS outcome, ${DAYS_TO_RESPOND} AS days, 1 AS requests
      FROM privacy_requests
     WHERE jurisdiction = $3
       AND received_at >= make_timestamptz($1, 1, 1, 0, 0, 0, $2)
       AND received_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, $2)
    UNION ALL
    SELECT type, outcome, days_to_respond, requests
      FROM privacy_request_metrics WHERE year = $1 AND jurisdiction = $3
  ), one_per_request AS (
    SELECT type, outcome, days FROM kept, generate_series(1, kept.requests)
  )
  SELECT type, count(*)::int AS received,
         count(*) FILTER (WHERE outcome = 'complied')::int AS complied,
         count(*) FILTER (WHERE outcome = 'denied')::int AS denied,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE days IS NOT NULL) AS median,
         avg(days) FILTER (WHERE days IS NOT NULL) AS mean
    FROM one_per_request GROUP BY type ORDER BY type`;

function withMail(change: AuditedChange, mail?: OutboxEntry): AuditedChange {
  if (!mail) {
    return change;
  }
  const { then, params } = outboxAfterChange(mail, change.params.length + 1);
  return {
    ...change,
    params: [...change.params, ...params],
    then: [...(change.then ?? []), ...then],
  };
}

/** A task's result as a run records it. */
export type TaskDone = { taskId: string; result: TaskResult; detail: string };

/** All SQL of privacy requests and their tasks. */
@Injectable()
export class PrivacyRequestRepository {
  // The ids again as an array in each statement below: PostgreSQL guesses a JSON record set at
  // 100 rows whatever it holds and would scan the tasks table rather than probe its key.
  private readonly pendingOutcomes = new WriteCoalescer<
    { taskId: string; pending: PendingOutcome },
    void
  >(async (records) => {
    // Of two records for one task (overlapping attempts) the later is kept, as it would be
    // statement after statement; an UPDATE joined to both would keep either.
    const last = new Map(records.map((r) => [r.taskId, r.pending]));
    await this.prepared(
      'privacy_task_pending_outcomes',
      `UPDATE privacy_request_tasks t SET pending_outcome = d.pending
         FROM json_to_recordset($1::json) AS d(id uuid, pending jsonb)
        WHERE t.id = ANY($2::uuid[]) AND t.id = d.id`,
      [JSON.stringify([...last].map(([id, pending]) => ({ id, pending }))), [...last.keys()]],
    );
    return records.map(() => undefined);
  });

  private readonly completions = new WriteCoalescer<TaskDone[], string[]>(async (calls) => {
    // One result per task in a statement (an UPDATE joined to two would keep either): the first
    // to arrive; a later one for the same task (an overlapping run) is not kept, since the task
    // is completed once this statement commits.
    const first = new Map<string, TaskDone>();
    for (const d of calls.flat()) {
      if (!first.has(d.taskId)) {
        first.set(d.taskId, d);
      }
    }
    const done = [...first.values()];
    const rows = await this.prepared<{ id: string }>(
      'privacy_task_completions',
      `UPDATE privacy_request_tasks t
          SET status = 'completed', result = d.result, detail = d.detail,
              pending_outcome = NULL, updated_at = now()
         FROM json_to_recordset($1::json) AS d(id uuid, result jsonb, detail text)
        WHERE t.id = ANY($2::uuid[]) AND t.id = d.id AND t.status <> 'completed'
       RETURNING t.id`,
      [
        JSON.stringify(done.map((d) => ({ id: d.taskId, result: d.result, detail: d.detail }))),
        done.map((d) => d.taskId),
      ],
    );
    const kept = new Set(rows.map((r) => r.id));
    return calls.map((call) =>
      call.filter((d) => kept.has(d.taskId) && first.get(d.taskId) === d).map((d) => d.taskId),
    );
  });

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One of the workers' hot statements, sent named on the driver's pool: PostgreSQL parses
   * (and, once a generic plan serves, plans) it once per connection instead of on every call,
   * as it does for TypeORM's unnamed statements. Not for statements inside a transaction.
   */
  private async prepared<R extends object>(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<R[]> {
    // TypeORM types the pool it made as any; it is pg's.
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    return (await pool.query<R>({ name, text, values })).rows;
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** A request object not yet stored; the caller fills every column. */
  /** A flat entity: its fields on an instance, without TypeORM's metadata walk of `create`. */
  build(fields: Omit<PrivacyRequestEntity, 'updatedAt'>): PrivacyRequestEntity {
    return Object.assign(new PrivacyRequestEntity(), fields);
  }

  findById(id: string): Promise<PrivacyRequestEntity | null> {
    return this.dataSource.manager.findOneBy(PrivacyRequestEntity, { id });
  }

  /**
   * The request as a caller may see it: with `apiKeyId`, only a request that key filed (any
   * other is as unknown as a missing id); without, any request (people see requests by role).
   */
  findVisible(id: string, apiKeyId: string | null): Promise<PrivacyRequestEntity | null> {
    return this.dataSource.manager.findOneBy(
      PrivacyRequestEntity,
      apiKeyId === null ? { id } : { id, requestedBy: apiKeyId },
    );
  }

  async findStatus(id: string): Promise<RequestStatus | undefined> {
    const rows = await this.dataSource.query<Array<{ status: RequestStatus }>>(
      'SELECT status FROM privacy_requests WHERE id = $1',
      [id],
    );
    return rows[0]?.status;
  }

  /** The request, locked for update until the caller's transaction ends. */
  lockById(m: EntityManager, id: string): Promise<PrivacyRequestEntity | null> {
    return m.findOne(PrivacyRequestEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(m: EntityManager, request: PrivacyRequestEntity): Promise<void> {
    await m.insert(PrivacyRequestEntity, request);
  }

  /**
   * The request inserted verified (`queued`, or `pending_approval` when a DPO approves first)
   * with its tasks, as one statement for the audit; with `mail`, the subject's receipt is
   * written to the outbox in the same statement.
   */
  insertQueuedChange(
    request: PrivacyRequestEntity,
    tasks: Array<{ id: string; store: StoreRef }>,
    mail?: OutboxEntry,
    /**
     * Every registered store as read earlier, which `tasks` were chosen from: the change then
     * inserts nothing (and is not audited) unless the stores are still exactly these.
     */
    storesAsRead?: StoreRef[],
  ): AuditedChange {
    const params = [
      request.id,
      request.type,
      request.jurisdiction,
      request.source,
      request.subjectCiphertext,
      request.receivedAt,
      request.dueAt,
      request.dueRule,
      request.webhookUrl,
      request.requestedBy,
      tasks.map((t) => t.id),
      tasks.map((t) => t.store.id),
      tasks.map((t) => t.store.name),
      request.correctionsCiphertext,
      request.acknowledgeBy,
      request.acknowledgeRule,
      request.status,
      request.notify,
      request.statusTokenHash,
    ];
    if (!storesAsRead) {
      return withMail(
        { with: [{ name: 'tasks', sql: INSERT_TASKS_SQL }], sql: INSERT_QUEUED_SQL, params },
        mail,
      );
    }
    params.push(
      storesAsRead.map((s) => s.id),
      storesAsRead.map((s) => s.name),
      storesAsRead.map((s) => s.type),
    );
    return withMail(
      {
        name: mail ? 'privacy_request_insert_queued_mail' : 'privacy_request_insert_queued',
        with: [
          { name: 'stores_as_read', sql: STORES_AS_READ_SQL },
          { name: 'tasks', sql: `${INSERT_TASKS_SQL} ${IF_STORES_AS_READ}` },
        ],
        sql: `${INSERT_QUEUED_COLUMNS} SELECT ${INSERT_QUEUED_VALUES} ${IF_STORES_AS_READ} RETURNING id`,
        params,
      },
      mail,
    );
  }

  /**
   * Moves the request from `from` to `to`; matches no row once it has left `from`. With `mail`,
   * the subject's mail about the move is written to the outbox when, and only when, it moves.
   */
  transitionChange(
    id: string,
    from: RequestStatus,
    to: RequestStatus,
    mail?: OutboxEntry,
  ): AuditedChange {
    return withMail(
      {
        // The mail's statement makes another text, so another name.
        name: mail ? 'privacy_request_transition_mail' : 'privacy_request_transition',
        sql: TRANSITION_SQL,
        params: [id, from, to, new Date()],
      },
      mail,
    );
  }

  async setStatusTokenHash(m: EntityManager, id: string, hash: string): Promise<void> {
    await m.update(PrivacyRequestEntity, { id }, { statusTokenHash: hash });
  }

  /** Registered stores, oldest first. */
  findStores(m: EntityManager = this.dataSource.manager): Promise<StoreRef[]> {
    return m.query<StoreRef[]>(`SELECT id, name, type FROM data_stores ${STORE_ORDER}`);
  }

  /** Registered stores with their descriptions, oldest first. */
  async findStoreDescriptions(): Promise<StoreDescription[]> {
    const rows = await this.dataSource.query<
      Array<StoreRef & { collections: CollectionSpec[]; updated_at: Date }>
    >('SELECT id, name, type, collections, updated_at FROM data_stores ORDER BY created_at');
    return rows.map(({ updated_at, ...r }) => ({ ...r, updatedAt: updated_at }));
  }

  async insertTasks(m: EntityManager, requestId: string, stores: StoreRef[]): Promise<void> {
    if (stores.length === 0) {
      return;
    }
    await m.insert(
      PrivacyRequestTaskEntity,
      stores.map((s) => ({
        requestId,
        dataStoreId: s.id,
        dataStoreName: s.name,
        status: 'pending' as const,
      })),
    );
  }

  async countWrongCode(m: EntityManager, id: string): Promise<void> {
    await m.increment(PrivacyRequestEntity, { id }, 'verificationAttempts', 1);
  }

  async clearVerificationCode(m: EntityManager, id: string): Promise<void> {
    await m.update(
      PrivacyRequestEntity,
      { id },
      { verificationCodeHash: null, verificationExpiresAt: null },
    );
  }

  async setExtension(
    m: EntityManager,
    id: string,
    extension: { dueAt: Date; rule: DeadlineRule; reason: string },
  ): Promise<void> {
    await m.update(
      PrivacyRequestEntity,
      { id },
      {
        extendedDueAt: extension.dueAt,
        extendedRule: extension.rule,
        extensionReason: extension.reason,
      },
    );
  }

  async setFailureReason(m: EntityManager, id: string, reason: string | null): Promise<void> {
    await m.update(PrivacyRequestEntity, { id }, { failureReason: reason });
  }

  /** A new run of a failed request: fresh job ids, and its failed tasks pending again. */
  async startNewRun(m: EntityManager, id: string, generation: number): Promise<void> {
    await m.update(PrivacyRequestEntity, { id }, { generation, failureReason: null });
    await m.update(
      PrivacyRequestTaskEntity,
      { requestId: id, status: 'failed' },
      { status: 'pending' },
    );
  }

  async setExport(id: string, path: string, checksum: string, expiresAt: Date): Promise<void> {
    await this.dataSource.manager.update(
      PrivacyRequestEntity,
      { id },
      { exportPath: path, exportChecksum: checksum, exportExpiresAt: expiresAt },
    );
  }

  /** Access packages past their expiry whose file is still recorded, oldest first. */
  expiredExports(now: Date, limit: number): Promise<Array<{ id: string; path: string }>> {
    return this.dataSource.query<Array<{ id: string; path: string }>>(
      `SELECT id, export_path AS path FROM privacy_requests
        WHERE export_path IS NOT NULL AND export_expires_at <= $1
        ORDER BY export_expires_at LIMIT $2`,
      [now, limit],
    );
  }

  /**
   * Forgets a deleted package and the download counts of its links; matches nothing if another
   * package has replaced it since.
   */
  async clearExport(id: string, path: string): Promise<void> {
    await this.dataSource.query(
      `WITH cleared AS (
         UPDATE privacy_requests SET export_path = NULL, export_checksum = NULL, updated_at = now()
          WHERE id = $1 AND export_path = $2
         RETURNING id
       )
       DELETE FROM export_link_downloads d USING cleared c WHERE d.request_id = c.id`,
      [id, path],
    );
  }

  /**
   * Counts one download through the link whose token hashes to `linkHash`, if it has had fewer
   * than `max`; false when it has used them all. One statement, so concurrent downloads of a
   * single-use link let exactly one through.
   */
  async countDownload(requestId: string, linkHash: Buffer, max: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO export_link_downloads AS d (link_hash, request_id, downloads)
       VALUES ($1, $2, 1)
       ON CONFLICT (link_hash) DO UPDATE SET downloads = d.downloads + 1
        WHERE d.downloads < $3
       RETURNING downloads`,
      [linkHash, requestId, max],
    );
    return rows.length === 1;
  }

  /**
   * Deletes up to `limit` request records received before `before` that are closed or were never
   * verified (with their tasks, by cascade), adding their figures to `privacy_request_metrics` in the
   * same statement. Returns the package files the deleted records still pointed to.
   */
  async purgeReceivedBefore(
    before: Date,
    zones: Record<Jurisdiction, string>,
    limit: number,
  ): Promise<{ purged: number; exportPaths: string[] }> {
    const rows = await this.dataSource.query<Array<{ export_path: string | null }>>(PURGE_SQL, [
      before,
      NEVER_PURGED,
      limit,
      Object.keys(zones),
      Object.values(zones),
    ]);
    return {
      purged: rows.length,
      exportPaths: rows.flatMap((r) => (r.export_path ? [r.export_path] : [])),
    };
  }

  /**
   * A calendar year's figures per request type, over the records still kept and the purged
   * ones' aggregates together: received, complied with (`completed`), denied (`rejected`), and
   * the median and mean days from receipt to the answer (completion or denial; fractional).
   * The year is the jurisdiction's own (`zone`), as the purge counted it.
   */
  async yearMetrics(
    year: number,
    jurisdiction: Jurisdiction,
    zone: string,
  ): Promise<YearMetrics[]> {
    const rows = await this.dataSource.query<
      Array<{
        type: RequestType;
        received: number;
        complied: number;
        denied: number;
        median: number | null;
        mean: string | null;
      }>
    >(YEAR_METRICS_SQL, [year, zone, jurisdiction]);
    return rows.map((r) => ({
      type: r.type,
      received: r.received,
      complied: r.complied,
      denied: r.denied,
      medianDays: r.median === null ? null : Number(r.median),
      meanDays: r.mean === null ? null : Number(r.mean),
    }));
  }

  /**
   * Active requests, oldest first (the ones the queue must hold a run of), each with its run
   * and its tasks' statuses, in one query.
   */
  findActiveRuns(limit: number): Promise<ActiveRun[]> {
    return this.dataSource.query<ActiveRun[]>(
      `SELECT r.id, r.type, r.status, r.generation,
              coalesce(json_agg(json_build_object('id', t.id, 'status', t.status))
                         FILTER (WHERE t.id IS NOT NULL), '[]') AS tasks
         FROM (SELECT id, type, status, generation, received_at FROM privacy_requests
                WHERE status = ANY($1) ORDER BY received_at LIMIT $2) r
         LEFT JOIN privacy_request_tasks t ON t.request_id = r.id
        GROUP BY r.id, r.type, r.status, r.generation, r.received_at
        ORDER BY r.received_at`,
      [ACTIVE_STATUSES, limit],
    );
  }

  /** The request as its finishing step needs it, with its tasks (by store name), in one query. */
  async findFinishWork(id: string): Promise<FinishWork | null> {
    const rows = await this.prepared<{
      id: string;
      type: RequestType;
      status: RequestStatus;
      generation: number;
      subject_ciphertext: string;
      notify: boolean;
      webhook_url: string | null;
      jurisdiction: Jurisdiction;
      received_at: Date;
      task_id: string | null;
      task_status: TaskStatus;
      data_store_id: string | null;
      data_store_name: string;
      result: TaskResult;
    }>('privacy_request_finish_load', FINISH_LOAD_SQL, [id]);
    const [first] = rows;
    if (!first) {
      return null;
    }
    return {
      request: {
        id: first.id,
        type: first.type,
        status: first.status,
        generation: first.generation,
        subjectCiphertext: first.subject_ciphertext,
        notify: first.notify,
        webhookUrl: first.webhook_url,
        jurisdiction: first.jurisdiction,
        receivedAt: first.received_at,
      },
      tasks: rows.flatMap((row) =>
        row.task_id === null
          ? []
          : [
              {
                id: row.task_id,
                status: row.task_status,
                dataStoreId: row.data_store_id,
                dataStoreName: row.data_store_name,
                result: row.result,
              },
            ],
      ),
    };
  }

  findTasks(requestId: string): Promise<PrivacyRequestTaskEntity[]> {
    return this.dataSource.manager.find(PrivacyRequestTaskEntity, {
      where: { requestId },
      order: { dataStoreName: 'ASC' },
    });
  }

  async findUnfinishedTaskIds(requestId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM privacy_request_tasks WHERE request_id = $1 AND status = ANY($2)',
      [requestId, UNFINISHED_TASK_STATUSES],
    );
    return rows.map((r) => r.id);
  }

  /** The request's audit events in chain order. */
  async findAuditTrail(id: string): Promise<AuditTrailEntry[]> {
    const rows = await this.dataSource.query<
      Array<{ action: string; occurred_at: Date; actor_type: string; details: object }>
    >(
      `SELECT action, occurred_at, actor_type, details FROM audit_events
        WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
      [id],
    );
    return rows.map((r) => ({
      action: r.action,
      occurredAt: r.occurred_at,
      actorType: r.actor_type,
      details: r.details as Record<string, unknown>,
    }));
  }

  /**
   * The change that loads runs of requests (one run per request: every task of it, or only
   * `onlyTaskId`) and starts each unfinished task when there is work to do: active request, and
   * `generation` its current run (any run when undefined). A completed task is never started
   * again. With `type` (the request's, as its job carries it) a queued request moves to
   * in_progress in the same statement once a task of it started; the change returns its `id`.
   * Its answer's rows make the runs (`runWorkOf`).
   */
  loadAndStartChange(
    runs: Array<{
      requestId: string;
      generation?: number;
      onlyTaskId?: string;
      type?: RequestType;
    }>,
  ): { change: AuditedChange; answer: ChangeAnswer } {
    return {
      change: {
        name: 'privacy_runs_load_and_start',
        sql: START_REQUESTS_SQL,
        params: [
          UNFINISHED_TASK_STATUSES,
          ACTIVE_STATUSES,
          runs.map((r) => r.requestId),
          runs.map((r) => r.generation ?? null),
          runs.map((r) => r.type ?? null),
          runs.map((r) => r.onlyTaskId ?? null),
        ],
        with: [
          { name: 'req', sql: LOAD_REQUESTS_SQL },
          { name: 'started', sql: START_TASKS_SQL },
        ],
      },
      answer: { sql: RUNS_LOAD_SQL, orderBy: 'r.request_id, r.data_store_name' },
    };
  }

  /** The run of `requestId` among the load's rows; undefined when there is no such request. */
  runWorkOf(rows: RunLoadRow[], requestId: string, moved: boolean): RunWork | undefined {
    const own = rows.filter((r) => r.request_id === requestId);
    const [first] = own;
    if (!first) {
      return undefined;
    }
    return {
      type: first.type,
      status: first.status,
      generation: first.generation,
      subjectCiphertext: first.subject_ciphertext,
      correctionsCiphertext: first.corrections_ciphertext,
      notify: first.notify,
      webhookUrl: first.webhook_url,
      moved,
      tasks: own.flatMap((row) =>
        row.task_id === null
          ? []
          : [
              {
                taskId: row.task_id,
                taskStatus: row.task_status,
                dataStoreId: row.data_store_id,
                dataStoreName: row.data_store_name,
                storeType: row.store_type,
                storeVersion: row.store_version,
                pendingOutcome: row.pending_outcome,
              },
            ],
      ),
    };
  }

  /**
   * The change that records runs' results and completes their requests (see
   * RUN_COMPLETION_SQL; one run per request), with the finishing step's own part (`step`, given
   * its first parameter's number) and the subjects' completion mails (`mail`, where a run has
   * one) after it; the change returns each completed request's `id`. Its answer: the ids of the
   * tasks whose result it kept.
   */
  completeRunsChange(
    runs: Array<{ id: string; generation: number; done: TaskDone[]; mail?: OutboxEntry }>,
    from: RequestStatus,
    step: (first: number) => CompletionStep,
  ): { change: AuditedChange; answer: ChangeAnswer } {
    const done = runs.flatMap((r) => r.done);
    const params = [
      from,
      new Date(),
      runs.map((r) => r.id),
      runs.map((r) => r.generation),
      JSON.stringify(done.map((d) => ({ id: d.taskId, result: d.result, detail: d.detail }))),
      done.map((d) => d.taskId),
    ];
    const own = step(params.length + 1);
    const mails = outboxAfterChanges(
      runs.flatMap((r) => (r.mail ? [{ row: r.id, entry: r.mail }] : [])),
      params.length + own.params.length + 1,
    );
    const sql = `${RUN_COMPLETION_SQL}${own.holdIf ? ` AND NOT (${own.holdIf})` : ''} RETURNING r.id`;
    const then = [...(own.then ?? []), ...mails.then];
    return {
      change: {
        // Named by its text, which the step varies.
        name: completionName([sql, ...then.map((c) => c.sql)].join('\n')),
        sql,
        params: [...params, ...own.params, ...mails.params],
        with: [{ name: 'results', sql: RUN_RESULTS_SQL }],
        then,
      },
      answer: { sql: 'SELECT id AS kept FROM results' },
    };
  }

  /**
   * The write-ahead record of an erasure about to commit in its store (see PendingOutcome);
   * resolves once committed. Records made while another is on its way go in one statement.
   */
  recordPendingOutcome(taskId: string, pending: PendingOutcome): Promise<void> {
    return this.pendingOutcomes.submit({ taskId, pending });
  }

  /**
   * Records each task's result once: a run that overlapped an earlier one (a stalled job taken
   * over while its first worker still ran) finds nothing left to do, and its counts ("erased 0
   * rows") must not replace the real ones. Returns the ids of the tasks whose result this call
   * kept. Results recorded while another call is on its way (other runs') go in one statement.
   */
  completeTasks(
    done: Array<{ taskId: string; result: TaskResult; detail: string }>,
  ): Promise<string[]> {
    return done.length === 0 ? Promise.resolve([]) : this.completions.submit(done);
  }

  /**
   * The request's status and run as they are now, with every task's status, in one query: the
   * reconciler judges by this rather than by its list, which a busy pass reads seconds earlier.
   */
  async findRunState(requestId: string): Promise<RunState | null> {
    const [row] = await this.dataSource.query<RunState[]>(
      `SELECT r.status, r.generation,
              coalesce(json_agg(json_build_object('id', t.id, 'status', t.status))
                         FILTER (WHERE t.id IS NOT NULL), '[]') AS tasks
         FROM privacy_requests r LEFT JOIN privacy_request_tasks t ON t.request_id = r.id
        WHERE r.id = $1
        GROUP BY r.id`,
      [requestId],
    );
    return row ?? null;
  }

  /**
   * A new run of an active request whose current one (`generation`) the queue gave up on:
   * fresh job ids for its unfinished tasks. Returns the new generation, or null when the
   * request has left the active statuses or another run replaced that one meanwhile. Without
   * `m`, one statement committing on its own.
   */
  async restartRun(
    m: EntityManager | undefined,
    id: string,
    generation: number,
  ): Promise<number | null> {
    const [rows] = await (m ?? this.dataSource.manager).query<
      [Array<{ generation: number }>, number]
    >(
      `UPDATE privacy_requests SET generation = generation + 1, updated_at = now()
        WHERE id = $1 AND generation = $2 AND status = ANY($3)
       RETURNING generation`,
      [id, generation, ACTIVE_STATUSES],
    );
    return rows[0]?.generation ?? null;
  }

  /** A manual store's task, started, now waits for a person; one statement for the audit. */
  taskWaitingChange(taskId: string): AuditedChange {
    return {
      sql: `UPDATE privacy_request_tasks
               SET status = 'waiting', detail = 'waiting for a person to do it', updated_at = now()
             WHERE id = $1 AND status = 'in_progress'
            RETURNING id`,
      params: [taskId],
    };
  }

  /** The task's status, or undefined when the request has no such task. */
  async findTaskStatus(
    m: EntityManager,
    requestId: string,
    taskId: string,
  ): Promise<TaskStatus | undefined> {
    const rows = await m.query<Array<{ status: TaskStatus }>>(
      'SELECT status FROM privacy_request_tasks WHERE id = $1 AND request_id = $2',
      [taskId, requestId],
    );
    return rows[0]?.status;
  }

  /** The sealed subjects and corrections, read and replaced row by row when they move context. */
  subjectColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return this.requestColumn('subject_ciphertext');
  }

  correctionsColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return this.requestColumn('corrections_ciphertext');
  }

  private requestColumn(column: string): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return sealedColumnAt(
      { table: 'privacy_requests', column, key: 'id', keyType: 'uuid' },
      (sql, params) => this.dataSource.query(sql, params),
    );
  }

  /** The completion webhook URLs, read and replaced row by row when they are sealed. */
  webhookUrlColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return this.requestColumn('webhook_url');
  }

  /** The tasks' sealed notes, read and replaced row by row when they move to a new context. */
  taskNoteColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return sealedColumnAt(
      { table: 'privacy_request_tasks', column: 'note_ciphertext', key: 'id', keyType: 'uuid' },
      (sql, params) => this.dataSource.query(sql, params),
    );
  }

  /** A waiting task done by a person, with their note sealed; false when it was not waiting. */
  async completeWaitingTask(
    m: EntityManager,
    requestId: string,
    taskId: string,
    done: { noteCiphertext: string; by: string | null; result: TaskResult },
  ): Promise<boolean> {
    // An UPDATE through TypeORM answers [rows, affected count].
    const [rows] = await m.query<[Array<{ id: string }>, number]>(
      `UPDATE privacy_request_tasks
          SET status = 'completed', note_ciphertext = $3, completed_by = $4, result = $5,
              detail = 'done by hand', updated_at = now()
        WHERE id = $1 AND request_id = $2 AND status = 'waiting'
       RETURNING id`,
      [taskId, requestId, done.noteCiphertext, done.by, JSON.stringify(done.result)],
    );
    return rows.length > 0;
  }

  async countTasksNotCompleted(m: EntityManager, requestId: string): Promise<number> {
    const [row] = await m.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM privacy_request_tasks
        WHERE request_id = $1 AND status <> 'completed'`,
      [requestId],
    );
    return row.n;
  }

  /** A new run of the request's finishing step: fresh job ids for a request whose tasks are done. */
  async bumpGeneration(m: EntityManager, id: string): Promise<number> {
    const [[row]] = await m.query<[Array<{ generation: number }>, number]>(
      'UPDATE privacy_requests SET generation = generation + 1 WHERE id = $1 RETURNING generation',
      [id],
    );
    return row.generation;
  }

  /**
   * Waiting tasks of active requests due within `days` (or overdue), not reminded in the last
   * day, marked reminded in the same statement so two schedulers never remind twice. Found
   * through the active requests: no index names the tasks' status, so that its changes can be
   * heap-only updates.
   */
  async claimReminders(days: number): Promise<Reminder[]> {
    const [rows] = await this.dataSource.query<[Reminder[], number]>(
      `UPDATE privacy_request_tasks t SET reminded_at = now()
         FROM privacy_requests r
        WHERE r.id = t.request_id AND t.status = 'waiting' AND r.status = ANY($1)
          AND coalesce(r.extended_due_at, r.due_at) < now() + make_interval(days => $2)
          AND (t.reminded_at IS NULL OR t.reminded_at < now() - interval '23 hours')
       RETURNING t.id AS "taskId", t.request_id AS "requestId",
                 t.data_store_name AS "dataStoreName", coalesce(r.extended_due_at, r.due_at) AS due`,
      [ACTIVE_STATUSES, days],
    );
    return rows;
  }

  /** Why the last attempt failed; `final` also fails the task. */
  async recordTaskFailure(
    m: EntityManager,
    taskId: string,
    detail: string,
    final: boolean,
  ): Promise<void> {
    await m.query(
      `UPDATE privacy_request_tasks
          SET detail = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END, updated_at = now()
        WHERE id = $1`,
      [taskId, detail, final],
    );
  }

  async list(f: RequestListFilter): Promise<RequestSummaryRow[]> {
    const params: unknown[] = [OPEN_STATUSES];
    const where: string[] = [];
    const add = (sql: string, ...values: unknown[]): void => {
      let text = sql;
      for (const v of values) {
        params.push(v);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    };
    if (f.status) {
      add('status = ?', f.status);
    }
    if (f.type) {
      add('type = ?', f.type);
    }
    if (f.overdue === true) {
      where.push(`${OPEN} AND ${DUE} < now()`);
    } else if (f.overdue === false) {
      where.push(`NOT (${OPEN} AND ${DUE} < now())`);
    }
    if (f.dueBefore) {
      add(`${DUE} < ?`, f.dueBefore);
    }
    if (f.after) {
      add(`(${DUE}, id) > (?::timestamptz, ?::uuid)`, f.after.due, f.after.id);
    }
    params.push(f.limit);
    return this.dataSource.query<RequestSummaryRow[]>(
      `SELECT id, type, status, jurisdiction, received_at, ${DUE} AS due, due_rule,
              extended_due_at, extended_rule, extension_reason, acknowledge_by, acknowledged_at,
              (${OPEN} AND ${DUE} < now()) AS overdue
         FROM privacy_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${DUE}, id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Open requests are found by their status, the last 30 days' completions by the partial index
   * of completed requests (its status written out, so that the plan can match the index's
   * predicate): neither part reads the whole history of requests.
   */
  async slaTotals(): Promise<SlaTotals> {
    const [totals] = await this.dataSource.query<SlaTotals[]>(
      `SELECT o.open, o.overdue, o.due7, d.done30, d.median
         FROM (SELECT count(*)::int AS open,
                      count(*) FILTER (WHERE ${DUE} < now())::int AS overdue,
                      count(*) FILTER (WHERE ${DUE} >= now() AND ${DUE} < now() + interval '7 days')::int AS due7
                 FROM privacy_requests WHERE ${OPEN}) o,
              (SELECT count(*)::int AS done30,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - received_at) / 86400) AS median
                 FROM privacy_requests
                WHERE status = 'completed' AND completed_at > now() - interval '30 days') d`,
      [OPEN_STATUSES],
    );
    return totals;
  }

  async countBy(column: 'type' | 'status'): Promise<Record<string, number>> {
    const rows = await this.dataSource.query<Array<{ k: string; n: number }>>(
      `SELECT ${column} AS k, count(*)::int AS n FROM privacy_requests GROUP BY ${column}`,
    );
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }
}
