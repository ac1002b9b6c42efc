import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { IsTimestamp } from 'src/common/http/is-timestamp.decorator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';

export class SecurityAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only alerts raised at or after this instant',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsTimestamp()
  since?: string;

  @ApiPropertyOptional({
    description: 'Only alerts of this kind',
    example: 'login.failure_burst',
  })
  @IsOptional()
  @Matches(/^[a-z0-9_.]{1,64}$/, { message: 'kind must be an alert kind such as login.new_device' })
  kind?: string;
}

export class SecurityAlertDto {
  @ApiProperty({ format: 'uuid', description: 'The alert id (its audit event id)' })
  id!: string;

  @ApiProperty({
    example: 'login.failure_burst',
    description:
      'login.failure_burst, login.new_device, crypto.decrypt_spike, export.download_spike, admin.role_change, admin.api_key_change',
  })
  kind!: string;

  @ApiProperty({ enum: ['low', 'medium', 'high'] })
  severity!: string;

  @ApiProperty({ example: '2026-12-03T14:00:00.000Z' })
  at!: string;

  @ApiProperty({ example: { type: 'api_key', id: '3f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55' } })
  actor!: { type: string; id: string | null };

  @ApiProperty({
    description: 'Counts, ids and coarse addresses: never personal data',
    example: { scope: 'address', address: '203.0.113.0/24', failures: 20 },
  })
  details!: Record<string, unknown>;
}

export class SecurityAlertListDto {
  @ApiProperty({ type: [SecurityAlertDto] })
  items!: SecurityAlertDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
