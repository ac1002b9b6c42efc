import { IsTimestamp } from 'src/common/http/is-timestamp.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CALLER_SOURCES, CONSENT_SOURCES } from '../consent.types';
import { PURPOSE_KEY_PATTERN } from './purpose.dto';
import { SubjectIdProperty } from './subject-id.property';

export class ConsentEvidenceDto {
  @ApiPropertyOptional({
    description: 'Hash of the notice text the person saw (e.g. SHA-256, hex)',
    example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  noticeHash?: string;

  @ApiPropertyOptional({
    description: 'Where in the product the choice was made',
    example: 'signup-form/step-2',
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  uiLocation?: string;

  @ApiPropertyOptional({ description: 'How the choice was expressed', example: 'checkbox' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  method?: string;

  @ApiPropertyOptional({ description: 'Language of the notice (BCP 47)', example: 'en-GB' })
  @IsOptional()
  // eslint-disable-next-line security/detect-unsafe-regex -- linear: each repeated subtag starts with a hyphen
  @Matches(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, { message: 'locale must be a BCP 47 tag' })
  locale?: string;
}

export class RecordConsentDto {
  @SubjectIdProperty()
  subjectId!: string;

  @ApiProperty({ description: 'Purpose key', example: 'marketing-email' })
  @Matches(PURPOSE_KEY_PATTERN, { message: 'purpose must be a purpose key' })
  purpose!: string;

  @ApiProperty({ description: 'true: grant; false: withdrawal (or objection)', example: true })
  @IsBoolean()
  granted!: boolean;

  @ApiPropertyOptional({ enum: CALLER_SOURCES, default: 'api', example: 'web' })
  @IsOptional()
  @IsIn(CALLER_SOURCES)
  source?: (typeof CALLER_SOURCES)[number];

  @ApiPropertyOptional({ description: 'Version of the privacy policy shown', example: '2026-10' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  policyVersion?: string;

  @ApiPropertyOptional({
    description: 'When the grant lapses (RFC 3339); an expired grant does not allow anything',
    example: '2027-11-23T00:00:00Z',
  })
  @IsOptional()
  @IsTimestamp()
  expiresAt?: string;

  @ApiPropertyOptional({ type: ConsentEvidenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentEvidenceDto)
  evidence?: ConsentEvidenceDto;
}

export class GpcOptOutDto {
  @ApiProperty({ example: 'ad-personalisation' })
  purpose!: string;

  @ApiProperty({ example: '5c0e9f5e-2a61-4b43-9d0e-4f6d3c1b2a90' })
  receiptId!: string;
}

export class RecordedConsentDto {
  @ApiProperty({ example: '8d7f3b9a-5a2e-4c0b-b1f4-3e2d1c0b9a87' })
  receiptId!: string;

  @ApiProperty({ example: 'jane.doe@example.com' })
  subjectId!: string;

  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;

  @ApiProperty({ example: true })
  granted!: boolean;

  @ApiProperty({ example: 2 })
  purposeVersion!: number;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  recordedAt!: string;

  @ApiProperty({ description: 'Ledger sequence: later events have higher numbers', example: 1042 })
  sequence!: number;

  @ApiProperty({
    type: [GpcOptOutDto],
    description: 'Opt-outs recorded because the request carried Sec-GPC: 1',
    example: [],
  })
  gpcOptOuts!: GpcOptOutDto[];
}

export class ConsentStateDto {
  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;

  @ApiProperty({ description: 'The last recorded decision', example: true })
  granted!: boolean;

  @ApiProperty({ example: 2 })
  purposeVersion!: number;

  @ApiProperty({
    description: 'False when the purpose has a newer version than the one decided on',
    example: true,
  })
  current!: boolean;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  recordedAt!: string;

  @ApiProperty({ nullable: true, type: String, example: null })
  expiresAt!: string | null;

  @ApiProperty({ enum: CONSENT_SOURCES, example: 'web' })
  source!: string;

  @ApiProperty({ example: '8d7f3b9a-5a2e-4c0b-b1f4-3e2d1c0b9a87' })
  receiptId!: string;

  @ApiProperty({
    description: "A GPC signal on the subject's writes switches this purpose off",
    example: false,
  })
  gpcOptOut!: boolean;

  @ApiProperty({
    description: 'An explicit grant is recorded, but a present GPC signal overrides it',
    example: false,
  })
  gpcConflict!: boolean;
}

export class SubjectConsentsDto {
  @ApiProperty({ type: [ConsentStateDto] })
  items!: ConsentStateDto[];

  @ApiProperty({
    description: 'Whether the last consent write for this subject carried Sec-GPC: 1',
    example: false,
  })
  gpc!: boolean;
}

export class ConsentEventDto {
  @ApiProperty({ example: 1042 })
  sequence!: number;

  @ApiProperty({ example: '8d7f3b9a-5a2e-4c0b-b1f4-3e2d1c0b9a87' })
  receiptId!: string;

  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;

  @ApiProperty({ example: 2 })
  purposeVersion!: number;

  @ApiProperty({ example: true })
  granted!: boolean;

  @ApiProperty({ enum: CONSENT_SOURCES, example: 'web' })
  source!: string;

  @ApiProperty({ nullable: true, type: String, example: '2026-10' })
  policyVersion!: string | null;

  @ApiProperty({ type: ConsentEvidenceDto })
  evidence!: ConsentEvidenceDto;

  @ApiProperty({ nullable: true, type: String, example: null })
  expiresAt!: string | null;

  @ApiProperty({ description: 'The write carried Sec-GPC: 1', example: false })
  gpc!: boolean;

  @ApiProperty({ nullable: true, type: String, example: 'b0d1c2e3-0000-4000-8000-000000000001' })
  requestId!: string | null;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  recordedAt!: string;
}

export class ConsentHistoryDto {
  @ApiProperty({ type: [ConsentEventDto] })
  items!: ConsentEventDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
