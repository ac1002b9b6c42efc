import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const JSON_EXAMPLE = { user: { email: 'jane.doe@example.com', phone: '+1 415 555 0132' } };

export class DlpScanDto {
  @ApiPropertyOptional({
    description:
      'Text to scan; offsets in the answer are UTF-16 code units into it. Give this or `json`.',
    example: 'Contact jane.doe@example.com or +1 415 555 0132',
  })
  @IsOptional()
  @IsString()
  text?: string;

  @ApiPropertyOptional({
    description: 'A JSON value whose strings and numbers are scanned; findings carry a JSONPath.',
    example: JSON_EXAMPLE,
  })
  @IsOptional()
  json?: unknown;

  @ApiPropertyOptional({
    description:
      'Only these entity types (see GET /v1/dlp/entities) and custom recognizer labels (see GET /v1/dlp/recognizers); default all.',
    example: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  entities?: string[];

  @ApiPropertyOptional({
    description:
      'Values that are not personal data here (a support address, a company name): findings whose text equals one of them, case and surrounding space aside, are left out.',
    example: ['support@example.com'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  allowList?: string[];

  @ApiPropertyOptional({
    description: 'Drop findings scoring below this (0 to 1); default 0.3.',
    example: 0.5,
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  minScore?: number;
}

export class DlpRedactDto extends DlpScanDto {
  @ApiPropertyOptional({
    description:
      'Operator per entity type or custom label, or `DEFAULT` for the rest: `{type: "redact"}`, `{type: "replace", value}`, `{type: "mask", char, keepLast}`, `{type: "hash"}` (HMAC under the service key), `{type: "encrypt"}` (field-encryption ciphertext). Default: replace with `<ENTITY>`.',
    example: {
      EMAIL_ADDRESS: { type: 'mask', char: '*', keepLast: 4 },
      PHONE_NUMBER: { type: 'hash' },
      DEFAULT: { type: 'replace', value: '[removed]' },
    },
  })
  @IsOptional()
  @IsObject()
  operators?: Record<string, unknown>;
}

export class DlpFindingDto {
  @ApiProperty({ description: 'Entity type', example: 'EMAIL_ADDRESS' })
  entity!: string;

  @ApiProperty({ description: 'Start, UTF-16 code units (inclusive)', example: 8 })
  start!: number;

  @ApiProperty({ description: 'End, UTF-16 code units (exclusive)', example: 28 })
  end!: number;

  @ApiProperty({ description: 'Confidence in [0, 1]', example: 1 })
  score!: number;

  @ApiPropertyOptional({
    description: 'JSONPath of the string holding it (json input)',
    example: '$.user.email',
  })
  path?: string;
}

export class DlpScanResultDto {
  @ApiProperty({ type: [DlpFindingDto] })
  findings!: DlpFindingDto[];
}

export class DlpRedactResultDto extends DlpScanResultDto {
  @ApiPropertyOptional({
    description: 'Redacted text (text input)',
    example: 'Contact <EMAIL_ADDRESS>',
  })
  text?: string;

  @ApiPropertyOptional({
    description: 'Redacted copy of the JSON input',
    example: { user: { email: '<EMAIL_ADDRESS>' } },
  })
  json?: unknown;
}

export class DlpEntityDto {
  @ApiProperty({ example: 'EMAIL_ADDRESS' })
  entity!: string;

  @ApiProperty({ example: 'E-mail address whose domain ends in a public suffix' })
  description!: string;

  @ApiProperty({ description: 'Data category a column holding it belongs to', example: 'contact' })
  category!: string;
}

export class DlpEntityListDto {
  @ApiProperty({ type: [DlpEntityDto] })
  items!: DlpEntityDto[];
}
