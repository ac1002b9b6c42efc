import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { AUDIT_CHECKPOINT_JOB, AUDIT_CHECKPOINT_QUEUE } from './audit-checkpoint.jobs';
import { AuditIntegrityService } from './audit-integrity.service';

/** Extends the signed checkpoints over the events appended since the last one. */
@Processor(AUDIT_CHECKPOINT_QUEUE)
export class AuditCheckpointProcessor extends WorkerHost {
  constructor(private readonly integrity: AuditIntegrityService) {
    super();
  }

  async process(job: Job): Promise<{ seq: string | null }> {
    if (job.name !== AUDIT_CHECKPOINT_JOB) {
      throw new UnrecoverableError(`Unknown audit job ${job.name}`);
    }
    const written = await this.integrity.checkpoint();
    return { seq: written?.seq ?? null };
  }
}
