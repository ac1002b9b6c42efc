import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { ManualTaskReminderJob, MANUAL_TASK_REMINDER_QUEUE } from './manual-task-reminders';
import { ManualTaskReminderService } from './manual-task-reminder.service';

@Processor(MANUAL_TASK_REMINDER_QUEUE)
export class ManualTaskReminderProcessor extends WorkerHost {
  constructor(private readonly reminders: ManualTaskReminderService) {
    super();
  }

  async process(job: Job): Promise<{ reminded: number }> {
    const name = job.name as ManualTaskReminderJob;
    switch (name) {
      case ManualTaskReminderJob.Remind:
        return { reminded: await this.reminders.remind() };
      default:
        if (Object.values(ManualTaskReminderJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown reminder job ${job.name}`);
    }
  }
}
