import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsIdentifierText, IsSubjectEmail } from 'src/data-stores/identity/subject-validators';

export class PlanSubjectDto {
  @ApiPropertyOptional({
    example: 'jane@example.com',
    description:
      'Trimmed, lower-cased and its domain put in IDNA ASCII form (punycode) before it is matched',
  })
  @IsOptional()
  @IsSubjectEmail()
  email?: string;

  @ApiPropertyOptional({ example: 'cust-1029' })
  @IsOptional()
  @IsString()
  @IsIdentifierText()
  @MinLength(1)
  @MaxLength(200)
  subjectId?: string;

  @ApiPropertyOptional({ example: '+44 20 7946 0018' })
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be a phone number' })
  phone?: string;
}

export class ErasurePlanRequestDto {
  @ApiProperty({
    type: PlanSubjectDto,
    description: 'At least one of email, subjectId, phone; it is neither stored nor audited',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PlanSubjectDto)
  subject!: PlanSubjectDto;
}

export class ErasurePlanStepDto {
  @ApiProperty({ example: 'orders' })
  collection!: string;

  @ApiProperty({
    enum: ['deleted', 'updated', 'unlinked', 'cascaded', 'nulled'],
    description:
      "`deleted`/`updated`: the collection's own erasure as described; `unlinked`: kept rows whose foreign key points at rows the erasure deletes get that key set to NULL; `cascaded`/`nulled`: the store deletes or nulls them itself (ON DELETE CASCADE / SET NULL)",
    example: 'unlinked',
  })
  action!: string;

  @ApiProperty({ example: 3, description: 'Rows the step would change now' })
  rows!: number;
}

export class ErasurePlanDto {
  @ApiProperty({
    type: [ErasurePlanStepDto],
    description: 'In the order the erasure runs them; counts only, never values',
    example: [
      { collection: 'order_items', action: 'deleted', rows: 6 },
      { collection: 'orders', action: 'updated', rows: 3 },
      { collection: 'orders', action: 'unlinked', rows: 3 },
      { collection: 'reviews', action: 'cascaded', rows: 2 },
      { collection: 'customers', action: 'deleted', rows: 1 },
    ],
  })
  steps!: ErasurePlanStepDto[];
}
