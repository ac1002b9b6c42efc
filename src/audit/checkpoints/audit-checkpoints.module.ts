import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AUDIT_CHECKPOINT_QUEUE } from './audit-checkpoint.jobs';
import { AuditCheckpointProcessor } from './audit-checkpoint.processor';
import { AuditCheckpointScheduler } from './audit-checkpoint.scheduler';

/** The periodic checkpoint job; the integrity service itself comes from the audit module. */
@Module({})
export class AuditCheckpointsModule {
  static register(options: { workers: boolean }): DynamicModule {
    return {
      module: AuditCheckpointsModule,
      imports: [BullModule.registerQueue({ name: AUDIT_CHECKPOINT_QUEUE })],
      providers: options.workers ? [AuditCheckpointScheduler, AuditCheckpointProcessor] : [],
    };
  }
}
