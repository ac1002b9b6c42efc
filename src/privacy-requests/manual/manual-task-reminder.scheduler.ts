import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ManualTaskReminderJob, MANUAL_TASK_REMINDER_QUEUE } from './manual-task-reminders';

/** Registers the hourly reminder; BullMQ job schedulers are idempotent across instances. */
@Injectable()
export class ManualTaskReminderScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(MANUAL_TASK_REMINDER_QUEUE) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ManualTaskReminderJob.Remind,
      { every: 60 * 60 * 1000 },
      { name: ManualTaskReminderJob.Remind },
    );
  }
}
