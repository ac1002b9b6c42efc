import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { PurgeResult, RequestRetention } from './request-retention.service';
import { RETENTION_QUEUE, RetentionJob } from './retention.jobs';

@Processor(RETENTION_QUEUE)
export class RetentionProcessor extends WorkerHost {
  constructor(private readonly retention: RequestRetention) {
    super();
  }

  async process(job: Job): Promise<PurgeResult> {
    if (job.name !== (RetentionJob.Purge as string)) {
      throw new UnrecoverableError(`Unknown retention job ${job.name}`);
    }
    return this.retention.purge();
  }
}
