import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { PRIVACY_REQUEST_QUEUE, PrivacyRequestJob, RunTaskData } from './privacy-request.jobs';
import { RequestFinisher } from './request-finisher.service';
import { TaskRunner } from './task-runner.service';

/**
 * Short locks so a killed worker's job is picked up again within seconds; a live worker renews
 * its lock, so long exports keep theirs.
 */
@Processor(PRIVACY_REQUEST_QUEUE, {
  concurrency: 8,
  lockDuration: 10000,
  stalledInterval: 5000,
  maxStalledCount: 5,
})
export class PrivacyRequestProcessor extends WorkerHost {
  constructor(
    private readonly tasks: TaskRunner,
    private readonly finisher: RequestFinisher,
  ) {
    super();
  }

  async process(job: Job): Promise<void> {
    const name = job.name as PrivacyRequestJob;
    switch (name) {
      case PrivacyRequestJob.RunTask: {
        const { requestId, taskId } = job.data as RunTaskData;
        try {
          await this.tasks.run(requestId, taskId);
        } catch (e) {
          const { failure, final } = await this.tasks.recordFailure(requestId, taskId, e, {
            made: job.attemptsMade + 1,
            allowed: job.opts.attempts ?? 1,
          });
          // Only the classified message reaches the queue: a driver's own can hold values.
          throw final ? new UnrecoverableError(failure.message) : failure;
        }
        return;
      }
      case PrivacyRequestJob.Finish:
        return this.finisher.finish((job.data as { requestId: string }).requestId);
      default:
        if (Object.values(PrivacyRequestJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown privacy request job ${job.name}`);
    }
  }
}
