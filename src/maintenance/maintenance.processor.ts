import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { IdempotencyKeysRepository } from 'src/idempotency/idempotency-keys.repository';
import { MAINTENANCE_QUEUE, MaintenanceJob } from './maintenance.jobs';

@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly idempotencyKeys: IdempotencyKeysRepository,
  ) {
    super();
  }

  async process(job: Job): Promise<{ purged: number }> {
    const name = job.name as MaintenanceJob;
    switch (name) {
      case MaintenanceJob.PurgeExpiredSessions: {
        // Sessions are kept a day past expiry so a logout of a just-expired token still audits cleanly.
        const result = await this.dataSource.query<[unknown, number]>(
          "DELETE FROM auth_sessions WHERE expires_at < now() - interval '1 day'",
        );
        const purged = result[1] ?? 0;
        this.logger.log(`Purged ${purged} expired sessions`);
        return { purged };
      }
      case MaintenanceJob.PurgeExpiredIdempotencyKeys: {
        const purged = await this.idempotencyKeys.purgeExpired();
        this.logger.log(`Purged ${purged} expired idempotency keys`);
        return { purged };
      }
      default:
        if (Object.values(MaintenanceJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown maintenance job ${job.name}`);
    }
  }
}
