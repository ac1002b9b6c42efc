import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MAINTENANCE_QUEUE, MaintenanceJob } from './maintenance.jobs';

/** Registers the periodic jobs; BullMQ job schedulers are idempotent, so every instance may do it. */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      MaintenanceJob.PurgeExpiredSessions,
      { every: 60 * 60 * 1000 },
      { name: MaintenanceJob.PurgeExpiredSessions },
    );
    await this.queue.upsertJobScheduler(
      MaintenanceJob.PurgeExpiredIdempotencyKeys,
      { every: 60 * 60 * 1000 },
      { name: MaintenanceJob.PurgeExpiredIdempotencyKeys },
    );
  }
}
