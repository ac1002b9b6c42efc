import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { AppConfig } from 'src/config/app-config';
import type {
  CollectionErasure,
  Connector,
  ConnectorCallContext,
  ErasureContext,
  RemainingRows,
} from 'src/data-stores/connectors/connector.interface';
import {
  classifyDriverError,
  StoreError,
  StoreFailure,
} from 'src/data-stores/connectors/store-error';
import { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import type { Subject } from 'src/data-stores/data-store.types';
import type { RequestType } from '../deadlines/deadline-rules';
import { ExportPartWriter } from '../export/export-part.writer';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import {
  PrivacyRequestRepository,
  RunWork,
  TaskDone,
  TaskWork,
} from '../privacy-request.repository';
import { isActive, UNFINISHED_TASK_STATUSES } from '../privacy-request.state';
import type { TaskResult } from '../privacy-request.types';
import { SubjectProtector } from '../subject-protector.service';
import { addErasures, erasureOutcome, settledBefore } from './erasure-outcome';
import type { TaskOutcome, TaskOutcomeMemo } from './task-outcome-memo';

/** Runs of one erasure in a row that a store may end as a deadlock's victim. */
const DEADLOCK_TRIES = 4;

const isDeadlock = (e: unknown): boolean =>
  e instanceof StoreError && e.failure === StoreFailure.Deadlock;

/** A task whose attempt failed, with what it failed with (not yet recorded). */
export interface TaskFailure {
  taskId: string;
  error: unknown;
}

/**
 * Runs the stores' parts of a request. Idempotent: a completed task is never run again, and a
 * store call whose outcome was kept is not made again (its counts are recorded once).
 */
@Injectable()
export class TaskRunner {
  private readonly logger = new Logger(TaskRunner.name);

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly connectors: DataStoreConnectors,
    private readonly protector: SubjectProtector,
    private readonly parts: ExportPartWriter,
    private readonly commits: PrivacyRequestCommits,
    private readonly config: AppConfig,
  ) {}

  /**
   * One task alone (a job of the earlier per-store flow), throwing what its attempt failed with.
   * `generation`: the run the job belongs to; a job of a replaced run does nothing. `memo`:
   * where the outcome of the store call is kept until PostgreSQL has it.
   */
  async run(
    requestId: string,
    taskId: string,
    generation?: number,
    memo?: TaskOutcomeMemo,
  ): Promise<void> {
    const run = await this.runTasks(requestId, generation, {
      only: taskId,
      memo: memo && {
        kept: memo.kept && { [taskId]: memo.kept },
        keep: (_, outcome) => memo.keep(outcome),
      },
    });
    if (run.failures.length > 0) {
      throw run.failures[0].error;
    }
  }

  /**
   * Every unfinished task of the request's run (or only `only`) at once, loaded and started in
   * one statement, which also moves a queued request to in_progress when the job carries the
   * request's `type`; the results of those that succeeded are recorded together, or, with
   * `handOver`, when an erasure's run has completed every task of its request, handed over
   * unrecorded (`finished`) for the finishing step to record with the completion. The failures are
   * returned, not recorded: the caller records each (`recordFailure`) once it knows whether the
   * attempt was the last. `ran`: false when the job had nothing to do (the request moved on, or
   * its run was replaced).
   */
  async runTasks(
    requestId: string,
    generation: number | undefined,
    opts: { only?: string; memo?: RunMemo; type?: RequestType; handOver?: boolean } = {},
  ): Promise<{ ran: boolean; failures: TaskFailure[]; finished?: FinishedRun }> {
    const work = await this.commits.loadAndStartRun(requestId, generation, opts);
    if (
      !work ||
      !isActive(work.status) ||
      (generation !== undefined && work.generation !== generation)
    ) {
      return { ran: false, failures: [] };
    }
    const todo = work.tasks.filter((t) => UNFINISHED_TASK_STATUSES.includes(t.taskStatus));
    if (todo.length === 0) {
      return { ran: true, failures: [] };
    }
    await this.start(requestId, work);
    const request: OpenedRun = {
      id: requestId,
      work,
      subject: lazily(() => this.protector.open(work.subjectCiphertext, requestId)),
    };
    const settled = await Promise.allSettled(
      todo.map((task) => this.runOne(request, task, opts.memo)),
    );
    const failures: TaskFailure[] = [];
    const done: TaskDone[] = [];
    settled.forEach((s, i) => {
      const { taskId } = todo[i];
      if (s.status === 'rejected') {
        failures.push({ taskId, error: s.reason });
      } else if (s.value) {
        done.push({ taskId, ...s.value });
      }
    });
    const doneIds = new Set(done.map((d) => d.taskId));
    if (
      opts.handOver &&
      opts.only === undefined &&
      work.type === 'erasure' &&
      work.tasks.every((t) => t.taskStatus === 'completed' || doneIds.has(t.taskId))
    ) {
      return {
        ran: true,
        failures,
        finished: { id: requestId, work, subject: await request.subject(), done },
      };
    }
    if (done.length > 0) {
      const kept = new Set(await this.requests.completeTasks(done));
      for (const { taskId } of done.filter((d) => !kept.has(d.taskId))) {
        this.logger.warn(`Task ${taskId} of request ${requestId} ran again; its first result kept`);
      }
    }
    return { ran: true, failures };
  }

  /**
   * One started task: a manual store's waits for a person (undefined: nothing to record yet);
   * any other calls its store, and its outcome is kept in `memo` unless the erasure wrote it
   * ahead to PostgreSQL already.
   */
  private async runOne(
    request: OpenedRun,
    task: TaskWork,
    memo: RunMemo | undefined,
  ): Promise<TaskOutcome | undefined> {
    const { id: requestId, work } = request;
    if (task.storeType === 'manual') {
      // No connector: a person does this part and marks it done with a note.
      await this.commits.waitForPerson(SYSTEM, { id: requestId, type: work.type }, task.taskId);
      return undefined;
    }
    const kept = memo?.kept?.[task.taskId];
    if (kept) {
      return kept;
    }
    const { outcome, writtenAhead } = await this.callStore(request, task);
    if (memo && !writtenAhead) {
      // Best effort: with Redis away the job cannot finish either, but PostgreSQL may still
      // record the outcome.
      await memo.keep(task.taskId, outcome).catch((e: unknown) => {
        this.logger.warn(
          `Task ${task.taskId} of request ${requestId}: its outcome could not be kept in the ` +
            `queue (${e instanceof Error ? e.name : 'error'})`,
        );
      });
    }
    return outcome;
  }

  /**
   * The store's part: export, erase, rectify or opt out; what it did, and whether an erasure
   * wrote it ahead to the task's row (then it needs keeping nowhere else).
   */
  private async callStore(
    request: OpenedRun,
    task: TaskWork,
  ): Promise<{ outcome: TaskOutcome; writtenAhead: boolean }> {
    const { id: requestId, work } = request;
    const { taskId } = task;
    if (!task.dataStoreId || !task.storeVersion) {
      throw new StoreError('permanent', 'store-removed', 'the data store was removed');
    }
    const connector = await this.connectors.forStoreVersion(task.dataStoreId, task.storeVersion);
    const subject = await request.subject();
    const ctx = { requestId };
    let result: TaskResult;
    let detail: string;
    switch (work.type) {
      case 'access': {
        const exported = await this.parts.write(requestId, taskId, connector, subject);
        result = { exported };
        detail = `exported ${exported.reduce((n, c) => n + c.records, 0)} records`;
        break;
      }
      case 'erasure': {
        // Proof of erasure: the same plan's paths, read again after the commit, find nothing.
        const { collections, remaining, writtenAhead } = await this.erase(
          task,
          connector,
          subject,
          ctx,
        );
        const left = Object.entries(remaining ?? {}).filter(([, n]) => n > 0);
        if (left.length > 0) {
          throw new StoreError(
            'permanent',
            'erasure-incomplete',
            `rows still reach the subject after erasure: ${left.map(([c, n]) => `${c} ${n}`).join(', ')}`,
            left[0][0],
          );
        }
        return { outcome: erasureOutcome(collections, remaining), writtenAhead };
      }
      case 'rectification': {
        if (!work.correctionsCiphertext) {
          throw new StoreError('permanent', 'no-corrections', 'the request holds no corrections');
        }
        const corrections = await this.protector.openCorrections(
          work.correctionsCiphertext,
          requestId,
        );
        const collections = await connector.rectify(subject, corrections, ctx);
        result = { collections };
        detail = `rectified ${collections.reduce((n, c) => n + c.rows, 0)} rows`;
        break;
      }
      case 'opt_out_sale':
      case 'opt_out_sharing': {
        const count = await connector.optOut(subject, work.type, ctx);
        result = { count };
        detail = `opted out ${count} records`;
        break;
      }
      default:
        return assertUnreachable(work.type);
    }
    return { outcome: { result, detail }, writtenAhead: false };
  }

  /**
   * The erasure, with its outcome written to the task's row before the store commits it: a rerun
   * after a crash between that commit and the task's record finds nothing left to erase, and
   * counts what the earlier attempts committed (the store says which did, or the empty rerun
   * shows it) instead. Answers the rows of every committed attempt together, the rows still
   * reaching the subject after the commit where the store can tell, and whether the outcome was
   * written ahead (stores whose backend commits on its own, HTTP, are not).
   */
  private async erase(
    task: TaskWork,
    connector: Connector,
    subject: Subject,
    ctx: ConnectorCallContext,
  ): Promise<{
    collections: CollectionErasure[];
    remaining?: RemainingRows;
    writtenAhead: boolean;
  }> {
    const pending = task.pendingOutcome;
    let settled: CollectionErasure[] = [];
    let writtenAhead = false;
    const erasure: ErasureContext = {
      requestId: ctx.requestId,
      beforeCommit: async (collections, commit) => {
        const status =
          pending?.commit && connector.commitStatus
            ? await connector.commitStatus(pending.commit)
            : 'unknown';
        settled = settledBefore(pending, status, collections);
        await this.requests.recordPendingOutcome(task.taskId, {
          settled: settled.length > 0 ? erasureOutcome(settled) : undefined,
          outcome: erasureOutcome(collections),
          commit,
        });
        writtenAhead = true;
        this.crashFor('before-store-commit');
      },
    };
    const attempt = async () =>
      connector.eraseWithProof
        ? connector.eraseWithProof(subject, erasure)
        : { collections: await connector.erase(subject, erasure) };
    let now: Awaited<ReturnType<typeof attempt>>;
    for (let tries = 1; ; tries++) {
      try {
        now = await attempt();
        break;
      } catch (e) {
        // The store chose this transaction as a deadlock's victim and rolled it back: nothing
        // was written ahead or committed, so it runs again at once rather than after the
        // queue's backoff (concurrent erasures of neighbouring rows meet this routinely).
        if (writtenAhead || tries >= DEADLOCK_TRIES || !isDeadlock(e)) {
          throw e;
        }
        this.logger.warn(
          `Task ${task.taskId} of request ${ctx.requestId}: ${(e as StoreError).message} ` +
            `(transient, retried at once)`,
        );
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * tries));
      }
    }
    this.crashFor('after-store-commit');
    return { ...now, collections: addErasures(settled, now.collections), writtenAhead };
  }

  /** A test's crash at `point` (PRIVACY_TEST_CRASH_AT, refused in production): SIGKILL, no cleanup. */
  private crashFor(point: 'before-store-commit' | 'after-store-commit'): void {
    if (this.config.privacyRequests.testCrashAt === point) {
      process.kill(process.pid, 'SIGKILL');
    }
  }

  /**
   * Records why an attempt failed, as a classified store error: a permanent one, or one on the
   * last attempt the retry budget allows (`last`), fails the task and its request at once
   * (audited with outcome failure); a transient one is left to the queue's retries. Every
   * failure is logged at warn with ids and the safe reason only. Returns the error and whether
   * it was final. Throws when the failure cannot be recorded (PostgreSQL away): the job is
   * then retried, so a give-up is never lost.
   */
  async recordFailure(
    requestId: string,
    taskId: string,
    error: unknown,
    attempt: { made: number; last: boolean },
  ): Promise<{ failure: StoreError; final: boolean }> {
    const failure = classifyDriverError(error);
    const final = failure.kind === 'permanent' || attempt.last;
    this.logger.warn(
      `Task ${taskId} of request ${requestId} failed on attempt ${attempt.made}: ` +
        `${failure.message} (${failure.kind}${final ? ', final: given up' : ', retried'})`,
    );
    const details = { taskId, reason: failure.message, kind: failure.kind };
    await this.requests.transaction(async (m) => {
      await this.requests.recordTaskFailure(m, taskId, failure.message, final);
      if (!final) {
        return;
      }
      const request = await this.requests.lockById(m, requestId);
      if (!request) {
        return;
      }
      if (isActive(request.status)) {
        await this.requests.setFailureReason(m, requestId, failure.message);
        await this.commits.setStatus(m, SYSTEM, request, 'failed', details);
      } else {
        await this.commits.recordTaskFailed(m, SYSTEM, request, details);
      }
    });
    return { failure, final };
  }

  /**
   * A run that finds its request queued, and whose load did not move it (a job queued without
   * the request's type), moves it to in_progress (the attempts are already counted). Another
   * run started at the same moment finds it moved and leaves it.
   */
  private async start(requestId: string, work: RunWork): Promise<void> {
    if (work.status === 'queued' && !work.moved) {
      await this.commits.transition(
        SYSTEM,
        { id: requestId, type: work.type },
        'queued',
        'in_progress',
      );
    }
  }
}

/** An erasure's run that completed every task of its request, their results not yet recorded. */
export interface FinishedRun {
  id: string;
  work: RunWork;
  subject: Subject;
  done: TaskDone[];
}

/** Where a run keeps its tasks' store outcomes until PostgreSQL has them (the job's data). */
export interface RunMemo {
  /** Outcomes earlier attempts of the same job kept, by task id. */
  readonly kept?: Readonly<Record<string, TaskOutcome>>;
  keep(taskId: string, outcome: TaskOutcome): Promise<void>;
}

/** A run's request, its subject opened at most once for all its tasks. */
interface OpenedRun {
  id: string;
  work: RunWork;
  subject: () => Promise<Subject>;
}

/** `make` called on first use only; every caller shares its promise. */
function lazily<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
