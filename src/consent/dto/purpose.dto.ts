import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination/page-query.dto';
import { LEGAL_BASES, LegalBasis, OPT_OUT_CATEGORIES, OptOutCategory } from '../consent.types';

export const PURPOSE_KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export class PurposeVersionBodyDto {
  @ApiProperty({ description: 'Name shown to people', example: 'Marketing e-mails' })
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({
    description: 'What the data is used for, as the notice says it',
    example: 'Monthly newsletter and product offers by e-mail.',
  })
  @IsString()
  @MaxLength(4000)
  description!: string;

  @ApiProperty({ description: 'GDPR Art. 6 legal basis', enum: LEGAL_BASES, example: 'consent' })
  @IsIn(LEGAL_BASES)
  legalBasis!: LegalBasis;

  @ApiPropertyOptional({
    description:
      'Set version explicitly (must be higher than the latest); defaults to latest + 1 (or 1 on create)',
    example: 2,
    minimum: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version?: number;

  @ApiPropertyOptional({
    description: 'Marks a purpose that a CCPA opt-out or a GPC signal switches off',
    enum: OPT_OUT_CATEGORIES,
    nullable: true,
    example: 'targeted_advertising',
  })
  @IsOptional()
  @IsIn(OPT_OUT_CATEGORIES)
  optOutCategory?: OptOutCategory | null;
}

export class CreatePurposeDto extends PurposeVersionBodyDto {
  @ApiProperty({
    description: 'Stable identifier: lower-case letters, digits, and _ . -',
    example: 'marketing-email',
  })
  @Matches(PURPOSE_KEY_PATTERN, { message: 'key must be 1-64 of a-z, 0-9, _ . - (lower case)' })
  key!: string;
}

export class PurposeDto {
  @ApiProperty({ example: 'marketing-email' })
  key!: string;

  @ApiProperty({ example: 'Marketing e-mails' })
  name!: string;

  @ApiProperty({ example: 'Monthly newsletter and product offers by e-mail.' })
  description!: string;

  @ApiProperty({ enum: LEGAL_BASES, example: 'consent' })
  legalBasis!: LegalBasis;

  @ApiProperty({ description: 'Latest version', example: 2 })
  version!: number;

  @ApiProperty({ enum: OPT_OUT_CATEGORIES, nullable: true, example: null, type: String })
  optOutCategory!: OptOutCategory | null;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    description: 'When the latest version was made',
    example: '2026-11-24T10:00:00.000Z',
  })
  updatedAt!: string;
}

export class PurposeListDto {
  @ApiProperty({ type: [PurposeDto] })
  items!: PurposeDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class PurposeListQueryDto extends PageQueryDto {}

export class PurposeKeyParamDto {
  @ApiProperty({ example: 'marketing-email' })
  @Matches(PURPOSE_KEY_PATTERN, { message: 'key must be 1-64 of a-z, 0-9, _ . - (lower case)' })
  key!: string;
}
