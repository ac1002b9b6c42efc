import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditCheckpointRepository } from './checkpoints/audit-checkpoint.repository';
import { AuditCheckpointSigner } from './checkpoints/audit-checkpoint.signer';
import { AuditHighWater } from './checkpoints/audit-high-water';
import { AuditIntegrityService } from './checkpoints/audit-integrity.service';
import { DeniedCallsRecorder } from './denied/denied-calls.recorder';
import { AuditEventEntity } from './entities/audit-event.entity';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [
    AuditService,
    AuditQueryService,
    AuditCheckpointRepository,
    AuditCheckpointSigner,
    AuditHighWater,
    AuditIntegrityService,
    DeniedCallsRecorder,
  ],
  exports: [AuditService, AuditIntegrityService, DeniedCallsRecorder],
})
export class AuditModule {}
