import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, Matches } from 'class-validator';
import { Prechecked } from 'src/common/http/prechecked.decorator';
import { MAX_SUBJECT_ID_LENGTH } from '../consent.types';
import { PURPOSE_KEY_PATTERN } from './purpose.dto';
import { SubjectIdProperty } from './subject-id.property';

export const CHECK_REASONS = [
  'granted',
  'no_consent',
  'withdrawn',
  'expired',
  'reconsent_required',
  'gpc_opt_out',
  'opted_out',
  'objected',
  'legal_basis',
] as const;
export type CheckReason = (typeof CHECK_REASONS)[number];

/** The single check's query as its decorators accept it: exactly these two plain strings. */
function isPlainCheckQuery(query: Readonly<Record<string, unknown>>): boolean {
  const { subjectId, purpose } = query;
  return (
    Object.keys(query).length === 2 &&
    typeof subjectId === 'string' &&
    typeof purpose === 'string' &&
    subjectId.length <= MAX_SUBJECT_ID_LENGTH &&
    /\S/.test(subjectId) &&
    PURPOSE_KEY_PATTERN.test(purpose)
  );
}

// The check is the hottest route; its usual query skips class-transformer and class-validator.
@Prechecked(isPlainCheckQuery)
export class CheckQueryDto {
  @SubjectIdProperty()
  subjectId!: string;

  @ApiProperty({ example: 'marketing-email' })
  @Matches(PURPOSE_KEY_PATTERN, { message: 'purpose must be a purpose key' })
  purpose!: string;
}

export class BatchCheckDto {
  @SubjectIdProperty()
  subjectId!: string;

  @ApiProperty({ type: [String], example: ['marketing-email', 'analytics'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(PURPOSE_KEY_PATTERN, { each: true, message: 'each purpose must be a purpose key' })
  purposes!: string[];
}

export class CheckResultDto {
  @ApiProperty({ example: true })
  allowed!: boolean;

  @ApiProperty({
    enum: CHECK_REASONS,
    description:
      'granted | no_consent | withdrawn | expired | reconsent_required (consent purposes); ' +
      'legal_basis | objected | opted_out (other bases); gpc_opt_out (any purpose with an opt-out category)',
    example: 'granted',
  })
  reason!: CheckReason;
}

export class PurposeCheckResultDto extends CheckResultDto {
  @ApiProperty({ example: 'marketing-email' })
  purpose!: string;
}

export class BatchCheckResultDto {
  @ApiProperty({
    type: [PurposeCheckResultDto],
    example: [
      { purpose: 'marketing-email', allowed: true, reason: 'granted' },
      { purpose: 'analytics', allowed: false, reason: 'withdrawn' },
    ],
  })
  results!: PurposeCheckResultDto[];
}
