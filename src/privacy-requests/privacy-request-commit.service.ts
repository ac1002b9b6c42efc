import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { RequestContext, SYSTEM } from 'src/common/access/request-context.decorator';
import { Settled, togetherOrAlone } from 'src/common/batching/together-or-alone';
import { WriteCoalescer } from 'src/common/batching/write-coalescer';
import { AppConfig } from 'src/config/app-config';
import { AuditRecord, AuditService } from 'src/audit/audit.service';
import type { IdempotentWrite } from 'src/idempotency/idempotent-write';
import type { RequestType } from './deadlines/deadline-rules';
import { createdPrivacyRequest } from './dto/privacy-request.dto';
import { PrivacyRequestEntity } from './entities/privacy-request.entity';
import type { OutboxEntry } from './notifications/subject-mail.types';
import {
  CompletionStep,
  PrivacyRequestRepository,
  RunLoadRow,
  RunWork,
  StoreRef,
  TaskDone,
} from './privacy-request.repository';
import { assertTransition, RequestStatus } from './privacy-request.state';

/** A run to load and start (`loadAndStartRun`). */
type RunLoad = {
  requestId: string;
  generation?: number;
  onlyTaskId?: string;
  type?: RequestType;
};

/**
 * The stores a request of this type has a task in: SQL stores for access and erasure, HTTP
 * backends and manual stores (a person acts there) for every type.
 */
function taking(type: RequestType, stores: StoreRef[]): StoreRef[] {
  return stores.filter(
    (s) => type === 'access' || type === 'erasure' || s.type === 'http' || s.type === 'manual',
  );
}

/** Status changes and task creation, each written atomically with its audit event. */
@Injectable()
export class PrivacyRequestCommits {
  /**
   * The registered stores as this process last read them. A request's tasks are made from them
   * in the statement that also checks they still are the registered stores, which saves a round
   * trip reading them; when they are not, the stores are read again and the request inserted
   * as before.
   */
  private storesAsRead?: StoreRef[];

  /** Runs loaded while another load's statement is on its way, each alone if that one fails. */
  private readonly loads = new WriteCoalescer<RunLoad, Settled<RunWork | undefined>>((runs) =>
    togetherOrAlone(
      runs,
      (run) => run.requestId,
      (some) => this.loadAndStartRuns(some),
    ),
  );

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Where a verified request goes: to the workers, or first to a DPO (REQUEST_APPROVAL=manual).
   * Opt-outs of sale and sharing need no verification and are honoured at once (CCPA §7026),
   * so they never wait for approval either.
   */
  private verifiedStatus(type: RequestType): RequestStatus {
    return this.config.privacyRequests.approval === 'manual' &&
      type !== 'opt_out_sale' &&
      type !== 'opt_out_sharing'
      ? 'pending_approval'
      : 'queued';
  }

  /**
   * A request its caller vouches for: inserted already verified (`queued`, or
   * `pending_approval`), with one task per store that takes part, its audit event and the
   * subject's receipt (`mail`), in one statement.
   */
  async insertQueued(
    ctx: RequestContext,
    request: PrivacyRequestEntity,
    /** The stores that take part, when intake has chosen them (a rectification's). */
    chosen?: StoreRef[],
    details: Record<string, unknown> = {},
    mail?: OutboxEntry,
    /** Its key is claimed and the answer stored in the same transaction as the request. */
    idempotency?: IdempotentWrite,
  ): Promise<void> {
    request.status = this.verifiedStatus(request.type);
    const insert = async (m?: EntityManager): Promise<void> => {
      if (chosen) {
        await this.insertWithTasks(ctx, request, chosen, details, mail, m);
        return;
      }
      const known = this.storesAsRead;
      if (
        known &&
        (await this.insertWithTasks(
          ctx,
          request,
          taking(request.type, known),
          details,
          mail,
          m,
          known,
        ))
      ) {
        return;
      }
      const stores = await this.requests.findStores();
      this.storesAsRead = stores;
      await this.insertWithTasks(ctx, request, taking(request.type, stores), details, mail, m);
    };
    if (idempotency) {
      await this.requests.transaction(async (m) => {
        await idempotency.claim(m);
        await insert(m);
        await idempotency.complete(m, createdPrivacyRequest(request));
      });
    } else {
      await insert();
    }
  }

  /**
   * The request with a task per store of `joining`. With `storesAsRead` (every registered store
   * as read earlier, `joining` chosen from them), nothing is inserted (false) unless they still
   * are the registered stores.
   */
  private async insertWithTasks(
    ctx: RequestContext,
    request: PrivacyRequestEntity,
    joining: StoreRef[],
    details: Record<string, unknown>,
    mail: OutboxEntry | undefined,
    m: EntityManager | undefined,
    storesAsRead?: StoreRef[],
  ): Promise<boolean> {
    const tasks = joining.map((s) => ({ id: randomUUID(), store: s }));
    const event = await this.audit.recordChange(
      ctx,
      statusRecord(request, 'pending_verification', request.status, {
        tasks: tasks.length,
        ...details,
      }),
      this.requests.insertQueuedChange(request, tasks, mail, storesAsRead),
      m,
    );
    return event !== null;
  }

  /** A public request, stored waiting for its code, with its first audit event. */
  async insertPendingVerification(
    m: EntityManager,
    ctx: RequestContext,
    request: PrivacyRequestEntity,
  ): Promise<void> {
    request.status = 'pending_verification';
    await this.requests.insert(m, request);
    await this.audit.record(
      ctx,
      statusRecord(request, 'pending_verification', 'pending_verification', { source: 'public' }),
      m,
    );
  }

  /**
   * Verified: one task per store that takes part, then `queued` (or `pending_approval`), with
   * the subject's receipt (`mail`).
   */
  async queue(
    m: EntityManager,
    ctx: RequestContext,
    request: PrivacyRequestEntity,
    mail?: OutboxEntry,
  ): Promise<void> {
    const joining = taking(request.type, await this.requests.findStores(m));
    await this.requests.insertTasks(m, request.id, joining);
    await this.setStatus(
      m,
      ctx,
      request,
      this.verifiedStatus(request.type),
      { tasks: joining.length },
      mail,
    );
  }

  /**
   * Moves a request from `from` to `status` unless it has left `from` meanwhile. The change and
   * its audit event are one statement committing on its own, so the audit append lock is held
   * only inside the database. Returns whether it moved (false: another worker, a DPO or a
   * failure got there first). `mail` is written to the subject mail outbox only if it moved.
   */
  async transition(
    ctx: RequestContext,
    request: Pick<PrivacyRequestEntity, 'id' | 'type'>,
    from: RequestStatus,
    status: RequestStatus,
    details: Record<string, unknown> = {},
    mail?: OutboxEntry,
  ): Promise<boolean> {
    assertTransition(from, status);
    const event = await this.audit.recordChange(
      ctx,
      statusRecord(request, from, status, details),
      this.requests.transitionChange(request.id, from, status, mail),
    );
    return event !== null;
  }

  /**
   * Loads a request's run and starts its unfinished tasks in one statement (see
   * `loadAndStartChange`); with `type`, the request's as its job carries it, a queued request's
   * move to in_progress and its audit event are made by that statement too (`moved`). Runs
   * loading while another such statement is on its way share the next one.
   */
  async loadAndStartRun(
    requestId: string,
    generation: number | undefined,
    opts: { only?: string; type?: RequestType } = {},
  ): Promise<RunWork | undefined> {
    const loaded = await this.loads.submit({
      requestId: requestId.toLowerCase(),
      generation,
      onlyTaskId: opts.only,
      type: opts.type,
    });
    if ('failed' in loaded) {
      throw loaded.failed;
    }
    return loaded.ok;
  }

  /** Runs of distinct requests loaded and started in one statement, each moved and audited. */
  private async loadAndStartRuns(runs: RunLoad[]): Promise<Array<RunWork | undefined>> {
    const { change, answer } = this.requests.loadAndStartChange(runs);
    // A run without a type moves no request, so its event is never appended.
    const { events, rows } = await this.audit.recordChangesAnswering<RunLoadRow>(
      SYSTEM,
      new Map(
        runs.flatMap((run) =>
          run.type
            ? [
                [
                  run.requestId,
                  statusRecord({ id: run.requestId, type: run.type }, 'queued', 'in_progress', {}),
                ],
              ]
            : [],
        ),
      ),
      change,
      answer,
    );
    return runs.map((run) =>
      this.requests.runWorkOf(rows, run.requestId, events.has(run.requestId)),
    );
  }

  /**
   * Runs that completed every task of their requests (one run per request): their results
   * recorded and each request completed from `from`, audited (an event each), with the finishing
   * step's own part (`step`, numbered from the parameter it is given, holding a request back by
   * its row `r`) and each subject's completion mail (`mail`), in one statement. The results are
   * recorded even when a request does not move (it left `from`, another run replaced this one, a
   * task is left unfinished, or the step held it back). Per run, in order: whether it moved, and
   * `kept`, the ids of the tasks whose result this call recorded.
   */
  async completeRuns(
    runs: Array<{
      id: string;
      type: RequestType;
      generation: number;
      tasks: number;
      done: TaskDone[];
      mail?: OutboxEntry;
    }>,
    from: RequestStatus,
    step: (first: number) => CompletionStep,
  ): Promise<Array<{ moved: boolean; kept: string[] }>> {
    assertTransition(from, 'completed');
    if (new Set(runs.map((r) => r.id)).size !== runs.length) {
      throw new Error('Two runs of one request cannot complete in one statement');
    }
    const { change, answer } = this.requests.completeRunsChange(runs, from, step);
    const { events, rows } = await this.audit.recordChangesAnswering<{ kept: string | null }>(
      SYSTEM,
      new Map(
        runs.map((run) => [run.id, statusRecord(run, from, 'completed', { tasks: run.tasks })]),
      ),
      change,
      answer,
    );
    const kept = new Set(rows.flatMap((r) => (r.kept === null ? [] : [r.kept])));
    return runs.map((run) => ({
      moved: events.has(run.id),
      kept: run.done.filter((d) => kept.has(d.taskId)).map((d) => d.taskId),
    }));
  }

  /** The same change inside the caller's transaction, which holds the request's row lock. */
  async setStatus(
    m: EntityManager,
    ctx: RequestContext,
    request: PrivacyRequestEntity,
    status: RequestStatus,
    details: Record<string, unknown> = {},
    mail?: OutboxEntry,
  ): Promise<void> {
    const from = request.status;
    assertTransition(from, status);
    const event = await this.audit.recordChange(
      ctx,
      statusRecord(request, from, status, details),
      this.requests.transitionChange(request.id, from, status, mail),
      m,
    );
    if (event === null) {
      throw new Error(`Privacy request ${request.id} left ${from} under its row lock`);
    }
    request.status = status;
  }

  /** A manual store's task now waits for a person, audited with the task id in one statement. */
  async waitForPerson(
    ctx: RequestContext,
    request: Pick<PrivacyRequestEntity, 'id' | 'type'>,
    taskId: string,
  ): Promise<void> {
    await this.audit.recordChange(
      ctx,
      {
        action: 'privacy_request.task_waiting',
        target: { type: 'privacy_request', id: request.id },
        details: { type: request.type, taskId },
      },
      this.requests.taskWaitingChange(taskId),
    );
  }

  /** A task failed for good after its request had already left the active statuses. */
  recordTaskFailed(
    m: EntityManager,
    ctx: RequestContext,
    request: Pick<PrivacyRequestEntity, 'id' | 'type'>,
    details: Record<string, unknown>,
  ): Promise<unknown> {
    return this.audit.record(
      ctx,
      {
        action: 'privacy_request.task_failed',
        outcome: 'failure',
        target: { type: 'privacy_request', id: request.id },
        details: { type: request.type, ...details },
      },
      m,
    );
  }
}

function statusRecord(
  request: { id: string; type: RequestType | undefined },
  from: RequestStatus,
  status: RequestStatus,
  details: Record<string, unknown>,
): AuditRecord {
  return {
    action: `privacy_request.${status}`,
    outcome: status === 'failed' ? 'failure' : 'success',
    target: { type: 'privacy_request', id: request.id },
    details: { from, to: status, type: request.type, ...details },
  };
}
