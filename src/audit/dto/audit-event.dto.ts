import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditBreak } from '../checkpoints/audit-integrity.service';
import { AuditEventEntity } from '../entities/audit-event.entity';

class AuditActorDto {
  @ApiProperty({ example: 'user', description: 'user, api_key, subject, system or anonymous' })
  type!: string;

  @ApiProperty({ example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10', nullable: true, type: String })
  id!: string | null;
}

class AuditTargetDto {
  @ApiProperty({ example: 'api_key' })
  type!: string;

  @ApiProperty({ example: '3f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55', nullable: true, type: String })
  id!: string | null;
}

export class AuditEventDto {
  @ApiProperty({ example: '5b0a7c2e-3d4f-4e6a-8b9c-0d1e2f3a4b5c' })
  id!: string;

  @ApiProperty({ example: '2026-11-23T09:15:00.000Z' })
  occurredAt!: string;

  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty({ example: 'auth.login' })
  action!: string;

  @ApiPropertyOptional({ type: AuditTargetDto, nullable: true })
  target!: AuditTargetDto | null;

  @ApiProperty({ example: 'success', enum: ['success', 'failure', 'denied'] })
  outcome!: string;

  @ApiProperty({ example: '1f6c0a1e-2b3c-4d5e-8f90-a1b2c3d4e5f6', nullable: true, type: String })
  requestId!: string | null;

  @ApiProperty({ example: { fields: 12 }, description: 'Counts and ids only, never personal data' })
  details!: Record<string, unknown>;

  @ApiProperty({
    example: 'a3f1…',
    description: 'HMAC-SHA-256 chain hash of this event (SHA-256 for events before keying)',
  })
  hash!: string;
}

export function toAuditEventDto(e: AuditEventEntity): AuditEventDto {
  return {
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actor: { type: e.actorType, id: e.actorId },
    action: e.action,
    target: e.targetType ? { type: e.targetType, id: e.targetId } : null,
    outcome: e.outcome,
    requestId: e.requestId,
    details: e.details,
    hash: e.hash,
  };
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] })
  items!: AuditEventDto[];

  @ApiProperty({ nullable: true, type: String, example: 'eyJzZXEiOiIxMjMifQ' })
  nextCursor!: string | null;
}

export class AuditVerifyDto {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiProperty({ example: 1520, description: 'How many events were checked' })
  checked!: number;

  @ApiPropertyOptional({
    example: '5b0a7c2e-3d4f-4e6a-8b9c-0d1e2f3a4b5c',
    description: 'First event whose chain link or checkpoint does not hold',
  })
  firstBrokenId?: string;

  @ApiPropertyOptional({
    enum: AuditBreak,
    example: AuditBreak.Truncated,
    description: 'Why verification failed',
  })
  reason?: AuditBreak;
}
