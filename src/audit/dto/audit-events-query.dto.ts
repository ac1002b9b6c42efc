import { IsTimestamp } from 'src/common/http/is-timestamp.decorator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';

export class AuditEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Actor id (user or API key id)',
    example: '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actor?: string;

  @ApiPropertyOptional({ description: 'Action name', example: 'auth.login' })
  @IsOptional()
  @Matches(/^[a-z0-9_.-]{1,64}$/, { message: 'action must be a dotted action name' })
  action?: string;

  @ApiPropertyOptional({
    description: 'Only events at or after this time (RFC 3339)',
    example: '2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsTimestamp()
  since?: string;

  @ApiPropertyOptional({
    description: 'Only events before this time (RFC 3339)',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsTimestamp()
  until?: string;
}
