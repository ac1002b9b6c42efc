import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { AppConfig } from 'src/config/app-config';
import { StoreError } from 'src/data-stores/connectors/store-error';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import {
  FinishData,
  PRIVACY_REQUEST_QUEUE,
  PrivacyRequestJob,
  RunData,
  RunTaskData,
} from './privacy-request.jobs';
import { RequestFinisher } from './request-finisher.service';
import type { TaskOutcome } from './task-outcome-memo';
import { budgetSpent, cappedBackoff } from './task-retries';
import { TaskFailure, TaskRunner } from './task-runner.service';

/**
 * A copy of `outcomes` keyed by task id, without a prototype: V8 keeps such an object as a
 * dictionary, so adding a task's id (new in every run) does not make a hidden class and insert
 * it among those reached from the empty object's, a list that grows with every job the process
 * ran until a full collection (tens of µs per job in a busy worker).
 */
function byTaskId(outcomes?: Record<string, TaskOutcome>): Record<string, TaskOutcome> {
  return Object.assign(Object.create(null) as Record<string, TaskOutcome>, outcomes);
}

/**
 * Short locks so a killed worker's job is picked up again within seconds; a live worker renews
 * its lock, so long exports keep theirs. Retries back off exponentially to a cap, until the
 * time budget (PRIVACY_TASK_RETRY_BUDGET) is spent. A task whose worker died
 * PRIVACY_TASK_STALL_LIMIT times while running it is failed for good here, with its reason;
 * the queue's own stall limit, above any allowed setting, is only a backstop.
 */
@Processor(PRIVACY_REQUEST_QUEUE, {
  concurrency: 8,
  lockDuration: 10000,
  stalledInterval: 5000,
  maxStalledCount: 50,
  settings: { backoffStrategy: cappedBackoff },
})
export class PrivacyRequestProcessor extends WorkerHost {
  private readonly logger = new Logger(PrivacyRequestProcessor.name);

  constructor(
    private readonly tasks: TaskRunner,
    private readonly finisher: RequestFinisher,
    private readonly requests: PrivacyRequestRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<void> {
    const name = job.name as PrivacyRequestJob;
    const last = (): boolean => budgetSpent(job, this.config.privacyRequests.taskRetryBudgetMs);
    switch (name) {
      case PrivacyRequestJob.Run:
        return this.run(job as Job<RunData>, last);
      case PrivacyRequestJob.RunTask: {
        const data = job.data as RunTaskData;
        const { requestId, taskId, generation } = data;
        if (this.stalledOut(job)) {
          await this.givenUpForStalls(job, requestId, [taskId]);
        }
        try {
          await this.tasks.run(requestId, taskId, generation, {
            kept: data.outcome,
            keep: (outcome) => job.updateData({ ...data, outcome }),
          });
        } catch (e) {
          await this.recordFailures(job, requestId, [{ taskId, error: e }], last());
        }
        return;
      }
      case PrivacyRequestJob.Finish: {
        const { requestId, generation } = job.data as FinishData;
        return this.finish(requestId, generation, last);
      }
      default:
        if (Object.values(PrivacyRequestJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown privacy request job ${job.name}`);
    }
  }

  /**
   * A request's run: its unfinished tasks together, then, once each is done, the finishing step.
   * A retry reruns only what is unfinished: completed tasks are skipped, and a store call whose
   * outcome was kept in the job's data is not made again.
   */
  private async run(job: Job<RunData>, last: () => boolean): Promise<void> {
    const { data } = job;
    const { requestId, generation } = data;
    if (this.stalledOut(job)) {
      const open = await this.requests.findRunState(requestId);
      const unfinished = (open?.tasks ?? [])
        .filter((t) => t.status === 'pending' || t.status === 'in_progress')
        .map((t) => t.id);
      await this.givenUpForStalls(job, requestId, unfinished);
    }
    const outcomes = byTaskId(data.outcomes);
    const { ran, failures, finished } = await this.tasks.runTasks(requestId, generation, {
      type: data.type,
      handOver: true,
      memo: {
        kept: data.outcomes,
        keep: (taskId, outcome) => {
          outcomes[taskId] = outcome;
          return job.updateData({ ...data, outcomes: byTaskId(outcomes) });
        },
      },
    });
    if (!ran) {
      return;
    }
    if (finished) {
      return this.finishing(requestId, () => this.finisher.finishRun(finished), last);
    }
    if (failures.length > 0) {
      await this.recordFailures(job, requestId, failures, last());
    }
    await this.finish(requestId, generation, last);
  }

  /**
   * Records every failed task's attempt, then fails the job: for good (no retry) when one of
   * them was final, else for the queue to retry. Only the classified message reaches the queue:
   * a driver's own can hold values.
   */
  private async recordFailures(
    job: Job,
    requestId: string,
    failures: TaskFailure[],
    last: boolean,
  ): Promise<never> {
    let final = false;
    let first: StoreError | undefined;
    for (const { taskId, error } of failures) {
      const recorded = await this.tasks.recordFailure(requestId, taskId, error, {
        made: job.attemptsMade + 1,
        last,
      });
      final ||= recorded.final;
      first ??= recorded.failure;
    }
    const failure = first as StoreError;
    throw final ? new UnrecoverableError(failure.message) : failure;
  }

  private finish(
    requestId: string,
    generation: number | undefined,
    last: () => boolean,
  ): Promise<void> {
    return this.finishing(requestId, () => this.finisher.finish(requestId, generation), last);
  }

  /** The finishing step `step`; on the last attempt its failure fails the request. */
  private async finishing(
    requestId: string,
    step: () => Promise<void>,
    last: () => boolean,
  ): Promise<void> {
    try {
      await step();
    } catch (e) {
      if (last() && (await this.finisher.giveUp(requestId, e))) {
        throw new UnrecoverableError('finishing the request failed for good');
      }
      throw e;
    }
  }

  private stalledOut(job: Job): boolean {
    return job.stalledCounter >= this.config.privacyRequests.taskStallLimit;
  }

  /**
   * The job's worker died (or lost its lock) `stalledCounter` times while running it: rather
   * than let it take down one more, its unfinished tasks fail for good with that reason (logged
   * at warn, audited, and the request fails); with none left, its finishing step gives up.
   */
  private async givenUpForStalls(job: Job, requestId: string, taskIds: string[]): Promise<never> {
    const failure = new StoreError(
      'permanent',
      'stalled',
      `The worker running this task stopped ${job.stalledCounter} times (it crashed or was ` +
        `killed); given up so it cannot stop another (PRIVACY_TASK_STALL_LIMIT)`,
    );
    for (const taskId of taskIds) {
      await this.tasks.recordFailure(requestId, taskId, failure, {
        made: job.attemptsMade + 1,
        last: true,
      });
    }
    if (taskIds.length === 0) {
      await this.finisher.giveUp(requestId, failure);
    }
    throw new UnrecoverableError(failure.message);
  }

  /**
   * A job that ends failed: out of budget, refused for good, or failed by BullMQ itself for
   * stalling (its processor never ran). The reconciler judges the request by PostgreSQL and
   * starts a new run or fails it; this line says why the queue let go.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    const stalled = /stalled/.test(error.message);
    const retried =
      !stalled &&
      !(error instanceof UnrecoverableError) &&
      (job?.attemptsMade ?? 0) < (job?.opts.attempts ?? 1);
    if (!job || retried) {
      return;
    }
    const { requestId } = job.data as { requestId?: string };
    this.logger.warn(
      `Job ${job.name} of request ${requestId ?? 'unknown'} given up after ` +
        `${job.attemptsMade} attempts (${stalled ? 'stalled' : error.name})`,
    );
  }
}
