import { IsTimestamp } from 'src/common/http/is-timestamp.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NOTIFIED_PARTIES, NotifiedParty } from '../incident.types';

const CATEGORY = /^[\p{L}\p{N}_ .:-]{1,64}$/u;

export class CreateIncidentDto {
  @ApiProperty({
    description: 'Short name of the breach (1-200 characters); kept in the register, never audited',
    example: 'Support mailbox forwarded to a wrong address',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiProperty({
    description: 'When the controller became aware of the breach (RFC 3339, not in the future)',
    example: '2026-12-01T08:30:00Z',
  })
  @IsTimestamp()
  detectedAt!: string;

  @ApiPropertyOptional({
    description: 'What happened (up to 4000 characters); kept in the register, never audited',
    example: 'Forwarding rule sent 40 support tickets to an external address for two days.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ description: 'Approximate number of data subjects', example: 40 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000_000)
  affectedSubjects?: number;

  @ApiPropertyOptional({
    description: 'Categories of personal data concerned (up to 50, each 1-64 characters)',
    example: ['contact', 'support_tickets'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(CATEGORY, {
    each: true,
    message: 'dataCategories must be 1-64 letters, digits, spaces or _.:-',
  })
  dataCategories?: string[];
}

export class CreatedIncidentDto {
  @ApiProperty({ example: '5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' })
  id!: string;

  @ApiProperty({
    description: '`detectedAt` + 72 hours (GDPR Art. 33(1))',
    example: '2026-12-04T08:30:00.000Z',
  })
  notifyAuthorityBy!: string;
}

export class RecordNotificationDto {
  @ApiProperty({ enum: NOTIFIED_PARTIES, example: 'authority' })
  @IsIn(NOTIFIED_PARTIES)
  party!: NotifiedParty;

  @ApiProperty({
    description: 'When that party was notified (RFC 3339; not in the future, not before detection)',
    example: '2026-12-02T15:00:00Z',
  })
  @IsTimestamp()
  at!: string;
}

export class IncidentNotificationDto {
  @ApiProperty({ example: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' })
  id!: string;

  @ApiProperty({ enum: NOTIFIED_PARTIES, example: 'authority' })
  party!: NotifiedParty;

  @ApiProperty({ example: '2026-12-02T15:00:00.000Z' })
  at!: string;

  @ApiProperty({ description: 'When it was logged', example: '2026-12-02T15:05:12.000Z' })
  recordedAt!: string;
}

export class IncidentDto {
  @ApiProperty({ example: '5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' })
  id!: string;

  @ApiProperty({ example: 'Support mailbox forwarded to a wrong address' })
  title!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Forwarding rule sent 40 tickets out.' })
  description!: string | null;

  @ApiProperty({ example: '2026-12-01T08:30:00.000Z' })
  detectedAt!: string;

  @ApiProperty({ example: '2026-12-04T08:30:00.000Z' })
  notifyAuthorityBy!: string;

  @ApiProperty({ nullable: true, type: Number, example: 40 })
  affectedSubjects!: number | null;

  @ApiProperty({ type: [String], example: ['contact'] })
  dataCategories!: string[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Earliest logged notification of the authority',
    example: '2026-12-02T15:00:00.000Z',
  })
  authorityNotifiedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  subjectsNotifiedAt!: string | null;

  @ApiProperty({
    description: 'Not yet notified to the authority and past `notifyAuthorityBy`',
    example: false,
  })
  overdue!: boolean;

  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' })
  createdAt!: string;
}

export class IncidentDetailDto extends IncidentDto {
  @ApiProperty({ type: [IncidentNotificationDto] })
  notifications!: IncidentNotificationDto[];
}

export class IncidentPageDto {
  @ApiProperty({ type: [IncidentDto] })
  items!: IncidentDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class IncidentClockDto {
  @ApiProperty({ description: 'Incidents not yet notified to the authority', example: 2 })
  open!: number;

  @ApiProperty({ description: 'Of those, past their 72 hours', example: 1 })
  pastDeadline!: number;

  @ApiProperty({ description: 'Of those, within 24 hours of their 72 hours', example: 1 })
  dueWithin24Hours!: number;
}
