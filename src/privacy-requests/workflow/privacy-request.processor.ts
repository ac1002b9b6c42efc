import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { AppConfig } from 'src/config/app-config';
import { StoreError } from 'src/data-stores/connectors/store-error';
import {
  FinishData,
  PRIVACY_REQUEST_QUEUE,
  PrivacyRequestJob,
  RunTaskData,
} from './privacy-request.jobs';
import { RequestFinisher } from './request-finisher.service';
import { budgetSpent, cappedBackoff } from './task-retries';
import { TaskRunner } from './task-runner.service';

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
    private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job): Promise<void> {
    const name = job.name as PrivacyRequestJob;
    const last = (): boolean => budgetSpent(job, this.config.privacyRequests.taskRetryBudgetMs);
    switch (name) {
      case PrivacyRequestJob.RunTask: {
        const data = job.data as RunTaskData;
        const { requestId, taskId, generation } = data;
        if (job.stalledCounter >= this.config.privacyRequests.taskStallLimit) {
          await this.givenUpForStalls(job, requestId, taskId);
        }
        try {
          await this.tasks.run(requestId, taskId, generation, {
            kept: data.outcome,
            keep: (outcome) => job.updateData({ ...data, outcome }),
          });
        } catch (e) {
          const { failure, final } = await this.tasks.recordFailure(requestId, taskId, e, {
            made: job.attemptsMade + 1,
            last: last(),
          });
          // Only the classified message reaches the queue: a driver's own can hold values.
          throw final ? new UnrecoverableError(failure.message) : failure;
        }
        return;
      }
      case PrivacyRequestJob.Finish: {
        const { requestId, generation } = job.data as FinishData;
        try {
          await this.finisher.finish(requestId, generation);
        } catch (e) {
          if (last() && (await this.finisher.giveUp(requestId, e))) {
            throw new UnrecoverableError('finishing the request failed for good');
          }
          throw e;
        }
        return;
      }
      default:
        if (Object.values(PrivacyRequestJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown privacy request job ${job.name}`);
    }
  }

  /**
   * The job's worker died (or lost its lock) `stalledCounter` times while running it: rather
   * than let it take down one more, its task fails for good with that reason (logged at warn,
   * audited, and the request fails).
   */
  private async givenUpForStalls(job: Job, requestId: string, taskId: string): Promise<never> {
    const failure = new StoreError(
      'permanent',
      'stalled',
      `The worker running this task stopped ${job.stalledCounter} times (it crashed or was ` +
        `killed); given up so it cannot stop another (PRIVACY_TASK_STALL_LIMIT)`,
    );
    await this.tasks.recordFailure(requestId, taskId, failure, {
      made: job.attemptsMade + 1,
      last: true,
    });
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
