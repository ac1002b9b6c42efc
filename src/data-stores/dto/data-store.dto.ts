import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PURPOSE_KEY_PATTERN } from 'src/consent/dto/purpose.dto';
import {
  DATA_STORE_TYPES,
  DataStoreType,
  ERASURE_STRATEGIES,
  ErasureStrategy,
  IDENTITY_TYPES,
  IdentityType,
} from 'src/data-stores/data-store.types';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const IDENTIFIER_MESSAGE = 'must be a plain identifier (letters, digits, _ and $, up to 63)';

export class IdentityDto {
  @ApiProperty({ description: 'Column holding the identity', example: 'email' })
  @Matches(IDENTIFIER, { message: `field ${IDENTIFIER_MESSAGE}` })
  field!: string;

  @ApiProperty({ description: 'What the column holds', enum: IDENTITY_TYPES, example: 'email' })
  @IsIn(IDENTITY_TYPES)
  type!: IdentityType;
}

export class FieldDto {
  @ApiProperty({ description: 'Column name', example: 'phone' })
  @Matches(IDENTIFIER, { message: `name ${IDENTIFIER_MESSAGE}` })
  name!: string;

  @ApiPropertyOptional({ description: 'Data category, free text', example: 'contact' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  category?: string;

  @ApiPropertyOptional({
    description:
      "How erasure treats the field: delete the row, or null, mask or hash the value. Any `delete` (or no field with a strategy) deletes the subject's rows of the collection; otherwise they are kept and updated, and rows kept that point at deleted rows by a nullable foreign key are unlinked",
    enum: ERASURE_STRATEGIES,
    example: 'hash',
  })
  @IsOptional()
  @IsIn(ERASURE_STRATEGIES)
  erasure?: ErasureStrategy;

  @ApiPropertyOptional({
    description:
      'Keys of the purposes (`/v1/purposes`) the field is processed for; the GDPR Art. 30 record (`/v1/admin/reports/processing-record`) lists its category under each',
    example: ['orders', 'marketing-email'],
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(PURPOSE_KEY_PATTERN, {
    each: true,
    message: 'purposes must be purpose keys: 1-64 of a-z, 0-9, _ . -',
  })
  purposes?: string[];
}

export class ReferenceDto {
  @ApiProperty({
    description: 'Column of this collection pointing at the parent',
    example: 'customer_id',
  })
  @Matches(IDENTIFIER, { message: `field ${IDENTIFIER_MESSAGE}` })
  field!: string;

  @ApiProperty({ description: 'Parent as collection.field', example: 'customers.id' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_$]{0,62}\.[A-Za-z_][A-Za-z0-9_$]{0,62}$/, {
    message: 'to must be collection.field',
  })
  to!: string;
}

export class CollectionDto {
  @ApiProperty({ description: 'Table (SQL) or collection (http) name', example: 'customers' })
  @Matches(IDENTIFIER, { message: `name ${IDENTIFIER_MESSAGE}` })
  name!: string;

  @ApiPropertyOptional({
    description: 'How a subject is found; absent for a collection reached only through references',
    type: IdentityDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentityDto)
  identity?: IdentityDto;

  @ApiProperty({ type: [FieldDto], description: 'Described fields' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => FieldDto)
  fields!: FieldDto[];

  @ApiPropertyOptional({
    type: [ReferenceDto],
    description:
      'Parents this collection points at: how its rows reach the subject (need not be foreign keys; a cycle is refused). A row deleted through a reference goes before its parent',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ReferenceDto)
  references?: ReferenceDto[];
}

export class ConnectionDto {
  @ApiProperty({
    description:
      'Connection string (postgres://, mysql://) or the http endpoint; its password is a secret',
    example: 'postgres://shop:secret@db.internal:5432/shop',
  })
  @IsString()
  @MinLength(8)
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({
    description: 'http stores: the HMAC-SHA-256 signing secret (never returned)',
    example: 'a-long-shared-signing-secret',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(512)
  secret?: string;
}

export class CreateDataStoreDto {
  @ApiProperty({ example: 'shop-db', description: 'Unique name' })
  @Matches(/^[\w .:-]{1,100}$/, { message: 'name must be 1-100 letters, digits, spaces or ._:-' })
  name!: string;

  @ApiProperty({
    enum: DATA_STORE_TYPES,
    example: 'postgres',
    description:
      '`manual`: a system without a connector (no `connection`); its tasks wait as `waiting` until a person marks them done with a note (`POST /v1/admin/privacy-requests/{id}/tasks/{taskId}/complete`)',
  })
  @IsIn(DATA_STORE_TYPES)
  type!: DataStoreType;

  @ApiPropertyOptional({
    type: ConnectionDto,
    description: 'Required for postgres, mysql and http stores; absent for a manual store',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionDto)
  connection?: ConnectionDto;

  @ApiProperty({ type: [CollectionDto], description: "Where a subject's data lives" })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CollectionDto)
  collections!: CollectionDto[];
}

export class UpdateDataStoreDto {
  @ApiProperty({ example: 'shop-db' })
  @Matches(/^[\w .:-]{1,100}$/, { message: 'name must be 1-100 letters, digits, spaces or ._:-' })
  name!: string;

  @ApiPropertyOptional({
    type: ConnectionDto,
    description: 'A new connection; when absent the stored one is kept',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectionDto)
  connection?: ConnectionDto;

  @ApiProperty({ type: [CollectionDto] })
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CollectionDto)
  collections!: CollectionDto[];
}

export class ConnectionViewDto {
  @ApiProperty({
    description: 'The connection URL with any password removed',
    example: 'postgres://shop@db.internal:5432/shop',
  })
  url!: string;
}

export class DataStoreDto {
  @ApiProperty({ example: '8a4e4f0e-7b55-4c43-9f0a-4d1f6d6a2b11' })
  id!: string;

  @ApiProperty({ example: 'shop-db' })
  name!: string;

  @ApiProperty({ enum: DATA_STORE_TYPES, example: 'postgres' })
  type!: DataStoreType;

  @ApiProperty({ type: ConnectionViewDto, nullable: true, description: 'null for a manual store' })
  connection!: ConnectionViewDto | null;

  @ApiProperty({ type: [CollectionDto] })
  collections!: CollectionDto[];

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  updatedAt!: string;
}

export class DataStoreListDto {
  @ApiProperty({ type: [DataStoreDto] })
  items!: DataStoreDto[];

  @ApiProperty({ nullable: true, type: String, example: null })
  nextCursor!: string | null;
}

export class DataStoreTestResultDto {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiProperty({ example: 'connected: database shop' })
  detail!: string;
}
