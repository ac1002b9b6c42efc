import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { AppConfig } from 'src/config/app-config';
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
 * time budget (PRIVACY_TASK_RETRY_BUDGET) is spent.
 */
@Processor(PRIVACY_REQUEST_QUEUE, {
  concurrency: 8,
  lockDuration: 10000,
  stalledInterval: 5000,
  maxStalledCount: 5,
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
        const { requestId, taskId, generation } = job.data as RunTaskData;
        try {
          await this.tasks.run(requestId, taskId, generation);
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
