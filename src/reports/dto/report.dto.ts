import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { LEGAL_BASES } from 'src/consent/consent.types';
import { DATA_STORE_TYPES } from 'src/data-stores/data-store.types';

export class CcpaMetricsQueryDto {
  @ApiProperty({ description: 'Calendar year (California time)', example: 2026 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;
}

export class CcpaTypeMetricsDto {
  @ApiProperty({ description: 'Requests received in the year', example: 12 })
  received!: number;

  @ApiProperty({ description: 'Of those, complied with in whole or in part', example: 10 })
  compliedInWholeOrPart!: number;

  @ApiProperty({ description: 'Of those, denied', example: 1 })
  denied!: number;

  @ApiProperty({
    description: 'Median calendar days from receipt to the response (compliance or denial)',
    nullable: true,
    type: Number,
    example: 6.5,
  })
  medianDaysToRespond!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 8.25 })
  meanDaysToRespond!: number | null;
}

export class CcpaMetricsDto {
  @ApiProperty({ example: 2026 })
  year!: number;

  @ApiProperty({
    description: 'Every request type, zeros included (CCPA regulations §7102)',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/CcpaTypeMetricsDto' },
    example: {
      access: {
        received: 12,
        compliedInWholeOrPart: 10,
        denied: 1,
        medianDaysToRespond: 6.5,
        meanDaysToRespond: 8.25,
      },
      erasure: {
        received: 0,
        compliedInWholeOrPart: 0,
        denied: 0,
        medianDaysToRespond: null,
        meanDaysToRespond: null,
      },
    },
  })
  byType!: Record<string, CcpaTypeMetricsDto>;
}

export class RecordPurposeDto {
  @ApiProperty({ example: 'orders' })
  key!: string;

  @ApiProperty({ example: 'Order fulfilment' })
  name!: string;

  @ApiProperty({ enum: LEGAL_BASES, example: 'contract' })
  legalBasis!: string;

  @ApiProperty({
    description: 'Categories of the fields that name this purpose in any store description',
    example: ['address', 'contact'],
  })
  dataCategories!: string[];

  @ApiProperty({ example: ['shop-db'] })
  dataStores!: string[];
}

export class RecordStoreDto {
  @ApiProperty({ example: 'shop-db' })
  name!: string;

  @ApiProperty({ enum: DATA_STORE_TYPES, example: 'postgres' })
  type!: string;

  @ApiProperty({ example: ['address', 'contact', 'purchases'] })
  categories!: string[];

  @ApiProperty({ example: ['orders'] })
  purposes!: string[];
}

export class UnregisteredPurposeDto {
  @ApiProperty({ example: 'profiling' })
  key!: string;

  @ApiProperty({ example: ['crm'] })
  dataStores!: string[];
}

export class RecipientDto {
  @ApiProperty({ example: 'crm' })
  name!: string;

  @ApiProperty({ example: 'crm.internal:8443' })
  host!: string;
}

export class RetentionDto {
  @ApiProperty({ example: 'access export packages and their links' })
  records!: string;

  @ApiProperty({ example: '7 days after completion' })
  period!: string;
}

export class KeyProviderDto {
  @ApiProperty({ example: 'default' })
  alias!: string;

  @ApiProperty({ example: 'local' })
  provider!: string;

  @ApiProperty({ example: 2 })
  activeVersion!: number;

  @ApiProperty({
    example: 'subject data keys, data store connections and request subjects by default',
  })
  protects!: string;
}

export class ProcessingRecordDto {
  @ApiProperty({ example: '2026-12-03T10:00:00.000Z' })
  generatedAt!: string;

  @ApiProperty({ type: [RecordPurposeDto] })
  purposes!: RecordPurposeDto[];

  @ApiProperty({
    type: [UnregisteredPurposeDto],
    description: 'Purpose keys named by store fields but not registered under /v1/purposes',
  })
  unregisteredPurposes!: UnregisteredPurposeDto[];

  @ApiProperty({ type: [RecordStoreDto] })
  dataStores!: RecordStoreDto[];

  @ApiProperty({ type: [RecipientDto], description: 'Product backends (http stores)' })
  recipients!: RecipientDto[];

  @ApiProperty({ type: [RetentionDto] })
  retention!: RetentionDto[];

  @ApiProperty({ type: [KeyProviderDto], description: 'Keyrings protecting the data at rest' })
  keyProviders!: KeyProviderDto[];
}
