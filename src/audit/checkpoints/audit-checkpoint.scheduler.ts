import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  AUDIT_CHECKPOINT_EVERY_MS,
  AUDIT_CHECKPOINT_JOB,
  AUDIT_CHECKPOINT_QUEUE,
} from './audit-checkpoint.jobs';

/** Registers the periodic checkpoint as a repeatable job; idempotent across instances. */
@Injectable()
export class AuditCheckpointScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(AUDIT_CHECKPOINT_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      AUDIT_CHECKPOINT_JOB,
      { every: AUDIT_CHECKPOINT_EVERY_MS },
      {
        name: AUDIT_CHECKPOINT_JOB,
        data: {},
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 } },
      },
    );
  }
}
