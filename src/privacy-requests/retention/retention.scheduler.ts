import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { PURGE_EVERY_MS, RETENTION_QUEUE, RetentionJob } from './retention.jobs';

/** Registers the purge as a repeatable job; job schedulers are idempotent across instances. */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(RETENTION_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      RetentionJob.Purge,
      { every: PURGE_EVERY_MS },
      {
        name: RetentionJob.Purge,
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 60000 } },
      },
    );
  }
}
