import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { MailSendError } from './mail-send-error';
import { SubjectMailSender } from './subject-mail-sender.service';
import { SendMailData, SUBJECT_MAIL_QUEUE, SubjectMailJob } from './subject-mail.jobs';

@Processor(SUBJECT_MAIL_QUEUE, { concurrency: 4 })
export class SubjectMailProcessor extends WorkerHost {
  constructor(private readonly sender: SubjectMailSender) {
    super();
  }

  async process(job: Job<SendMailData>): Promise<void> {
    const name = job.name as SubjectMailJob;
    switch (name) {
      case SubjectMailJob.Send: {
        const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        try {
          await this.sender.send(job.data.outboxId, final);
        } catch (e) {
          // The row is already failed or pending again; the queue only learns whether to retry.
          if (e instanceof MailSendError && e.permanent) {
            throw new UnrecoverableError(e.message);
          }
          throw e;
        }
        return;
      }
      default:
        if (Object.values(SubjectMailJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown subject mail job ${job.name}`);
    }
  }
}
