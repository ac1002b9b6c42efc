import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CUSTOM_RECOGNIZER_LIMITS as L } from '@libs/dlp';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export class CreateCustomRecognizerDto {
  @ApiProperty({
    description: 'Unique handle: a-z, 0-9, _ and -, starting with a letter, at most 64',
    example: 'employee-id',
  })
  @IsString()
  @Matches(L.name, { message: 'name must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter' })
  name!: string;

  @ApiProperty({
    description:
      'Label of its findings, as used in `entities` and `operators`: a built-in entity type (a deny list of PERSON names, say) or a new upper-case label',
    example: 'EMPLOYEE_ID',
  })
  @IsString()
  @Matches(L.entity, {
    message: 'entity must be 2 to 64 of A-Z, 0-9 and _, starting with a letter',
  })
  entity!: string;

  @ApiPropertyOptional({
    description:
      'Regular expression in RE2 syntax (no backreferences or lookaround: matching time stays linear in the text). Give this or `denyList`. A pattern RE2 cannot run, or one matching the empty string, is refused with 422 and the reason.',
    example: '\\bEMP-[0-9]{6}\\b',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(L.patternLength)
  pattern?: string;

  @ApiPropertyOptional({
    description:
      'Words or phrases found as whole words (no letter or digit on either side); a space matches any white space. Give this or `pattern`.',
    example: ['Project Bluebird', 'Falcon'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(L.denyListEntries)
  @IsString({ each: true })
  @MaxLength(L.denyListEntryLength, { each: true })
  denyList?: string[];

  @ApiPropertyOptional({
    description: 'Default: true for a pattern, false for a deny list',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  caseSensitive?: boolean;

  @ApiPropertyOptional({
    description:
      'Words (or phrases) that, shortly before a match or as its JSON key or column name, lift its score by 0.35, as for the built-in recognizers',
    example: ['employee', 'staff'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.contextEntries)
  @IsString({ each: true })
  @MaxLength(L.contextEntryLength, { each: true })
  @Matches(L.contextEntry, {
    each: true,
    message: 'each context entry must be words of letters and digits separated by single spaces',
  })
  context?: string[];

  @ApiProperty({
    description:
      'Score of a match without context, above 0 and at most 1 (scans drop findings below `minScore`, default 0.3)',
    example: 0.6,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1)
  score!: number;
}

export class CustomRecognizerDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'employee-id' })
  name!: string;

  @ApiProperty({ example: 'EMPLOYEE_ID' })
  entity!: string;

  @ApiProperty({ nullable: true, type: String, example: '\\bEMP-[0-9]{6}\\b' })
  pattern!: string | null;

  @ApiProperty({ nullable: true, type: [String], example: null })
  denyList!: string[] | null;

  @ApiProperty({ example: true })
  caseSensitive!: boolean;

  @ApiProperty({ type: [String], example: ['employee', 'staff'] })
  context!: string[];

  @ApiProperty({ example: 0.6 })
  score!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class CustomRecognizerListDto {
  @ApiProperty({ type: [CustomRecognizerDto] })
  items!: CustomRecognizerDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}
