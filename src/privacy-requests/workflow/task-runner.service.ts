import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { AppConfig } from 'src/config/app-config';
import type {
  CollectionErasure,
  Connector,
  ErasureContext,
  RemainingRows,
} from 'src/data-stores/connectors/connector.interface';
import { classifyDriverError, StoreError } from 'src/data-stores/connectors/store-error';
import { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import type { Subject } from 'src/data-stores/data-store.types';
import { ExportPartWriter } from '../export/export-part.writer';
import { PrivacyRequestCommits } from '../privacy-request-commit.service';
import { PrivacyRequestRepository, TaskWork } from '../privacy-request.repository';
import { isActive } from '../privacy-request.state';
import type { TaskResult } from '../privacy-request.types';
import { SubjectProtector } from '../subject-protector.service';
import { addErasures, erasureOutcome, settledBefore } from './erasure-outcome';
import type { TaskOutcome, TaskOutcomeMemo } from './task-outcome-memo';

/**
 * Runs one store's part of a request. Idempotent: a completed task is never run again, and a
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
   * `generation`: the run the job belongs to; a job of a replaced run does nothing. `memo`: where
   * the outcome of the store call is kept until PostgreSQL has it.
   */
  async run(
    requestId: string,
    taskId: string,
    generation?: number,
    memo?: TaskOutcomeMemo,
  ): Promise<void> {
    const work = await this.requests.loadAndStartTask(requestId, taskId, generation);
    if (
      !work ||
      work.taskStatus === 'completed' ||
      work.taskStatus === 'waiting' ||
      !isActive(work.status) ||
      (generation !== undefined && work.generation !== generation)
    ) {
      return;
    }
    await this.start(requestId, work);
    if (work.storeType === 'manual') {
      // No connector: a person does this part and marks it done with a note.
      await this.commits.waitForPerson(SYSTEM, { id: requestId, type: work.type }, taskId);
      return;
    }
    const outcome = memo?.kept ?? (await this.callStore(requestId, taskId, work));
    if (memo && !memo.kept) {
      // Best effort: with Redis away the job cannot finish either, but PostgreSQL may still
      // record the outcome below.
      await memo.keep(outcome).catch((e: unknown) => {
        this.logger.warn(
          `Task ${taskId} of request ${requestId}: its outcome could not be kept in the queue ` +
            `(${e instanceof Error ? e.name : 'error'})`,
        );
      });
    }
    if (!(await this.requests.completeTask(taskId, outcome.result, outcome.detail))) {
      this.logger.warn(`Task ${taskId} of request ${requestId} ran again; its first result kept`);
    }
  }

  /** The store's part: export, erase, rectify or opt out; what it did. */
  private async callStore(requestId: string, taskId: string, work: TaskWork): Promise<TaskOutcome> {
    if (!work.dataStoreId || !work.storeVersion) {
      throw new StoreError('permanent', 'store-removed', 'the data store was removed');
    }
    const connector = await this.connectors.forStoreVersion(work.dataStoreId, work.storeVersion);
    const subject = await this.protector.open(work.subjectCiphertext, requestId);
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
        const { collections, remaining } = await this.erase(taskId, work, connector, subject, ctx);
        const left = Object.entries(remaining ?? {}).filter(([, n]) => n > 0);
        if (left.length > 0) {
          throw new StoreError(
            'permanent',
            'erasure-incomplete',
            `rows still reach the subject after erasure: ${left.map(([c, n]) => `${c} ${n}`).join(', ')}`,
            left[0][0],
          );
        }
        return erasureOutcome(collections, remaining);
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
    return { result, detail };
  }

  /**
   * The erasure, with its outcome written to the task's row before the store commits it: a rerun
   * after a crash between that commit and the task's record finds nothing left to erase, and
   * counts what the earlier attempts committed (the store says which did, or the empty rerun
   * shows it) instead. Answers the rows of every committed attempt together, and the rows still
   * reaching the subject after the commit where the store can tell.
   */
  private async erase(
    taskId: string,
    work: TaskWork,
    connector: Connector,
    subject: Subject,
    ctx: ErasureContext,
  ): Promise<{ collections: CollectionErasure[]; remaining?: RemainingRows }> {
    const pending = work.pendingOutcome;
    let settled: CollectionErasure[] = [];
    const erasure: ErasureContext = {
      ...ctx,
      beforeCommit: async (collections, commit) => {
        const status =
          pending?.commit && connector.commitStatus
            ? await connector.commitStatus(pending.commit)
            : 'unknown';
        settled = settledBefore(pending, status, collections);
        await this.requests.recordPendingOutcome(taskId, {
          settled: settled.length > 0 ? erasureOutcome(settled) : undefined,
          outcome: erasureOutcome(collections),
          commit,
        });
        this.crashFor('before-store-commit');
      },
    };
    const now = connector.eraseWithProof
      ? await connector.eraseWithProof(subject, erasure)
      : { collections: await connector.erase(subject, erasure) };
    this.crashFor('after-store-commit');
    return { ...now, collections: addErasures(settled, now.collections) };
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
   * A task that finds its request queued moves it to in_progress (the attempt is already
   * counted). The other tasks, started at the same moment, find it moved and leave it.
   */
  private async start(requestId: string, work: TaskWork): Promise<void> {
    if (work.status === 'queued') {
      await this.commits.transition(
        SYSTEM,
        { id: requestId, type: work.type },
        'queued',
        'in_progress',
      );
    }
  }
}
