import { ApiProperty } from '@nestjs/swagger';
import { CollectionDto } from './data-store.dto';

export class ScanStartedDto {
  @ApiProperty({ example: 'c0a8012e-5b7d-4d52-a2a8-8f0e7e4c1b22' })
  scanId!: string;
}

export class ColumnEntityDto {
  @ApiProperty({ example: 'EMAIL_ADDRESS' })
  entity!: string;

  @ApiProperty({ example: 0.98, description: 'Share of sampled non-empty values that matched' })
  matchRatio!: number;
}

export class ScanColumnDto {
  @ApiProperty({ example: 'customers' })
  collection!: string;

  @ApiProperty({ example: 'email' })
  field!: string;

  @ApiProperty({ example: 200, description: 'Non-empty values sampled (never stored)' })
  sampled!: number;

  @ApiProperty({ type: [ColumnEntityDto] })
  entities!: ColumnEntityDto[];

  @ApiProperty({ example: 'contact', nullable: true, type: String })
  suggestedCategory!: string | null;
}

export class ScanDto {
  @ApiProperty({ example: 'c0a8012e-5b7d-4d52-a2a8-8f0e7e4c1b22' })
  id!: string;

  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'], example: 'completed' })
  status!: string;

  @ApiProperty({ type: [ScanColumnDto] })
  columns!: ScanColumnDto[];

  @ApiProperty({
    type: [CollectionDto],
    description:
      'The description the scan proposes, in the `collections` format of a data store: tables ' +
      'with a column identifying the subject (e-mail, subject id or phone, from the entities ' +
      'found and the column names) and the tables referencing them through foreign keys. ' +
      'Empty until the scan completes. Review it, then register it as it is or edited.',
    example: [
      {
        name: 'customers',
        identity: { field: 'email', type: 'email' },
        fields: [
          { name: 'id' },
          { name: 'email', category: 'contact' },
          { name: 'name', category: 'identity' },
        ],
      },
      {
        name: 'orders',
        fields: [{ name: 'id' }, { name: 'customer_id' }, { name: 'total' }],
        references: [{ field: 'customer_id', to: 'customers.id' }],
      },
    ],
  })
  suggestedCollections!: CollectionDto[];

  @ApiProperty({ example: null, nullable: true, type: String })
  error!: string | null;

  @ApiProperty({ example: '2026-11-23T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-23T09:00:05.000Z', nullable: true, type: String })
  completedAt!: string | null;
}
