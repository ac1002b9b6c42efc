import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CollectionSpec } from 'src/data-stores/data-store.types';

export type ScanStatus = 'queued' | 'running' | 'completed' | 'failed';

/** Per column: which entities matched and how often. Never a sampled value. */
export interface ScanColumnResult {
  collection: string;
  field: string;
  sampled: number;
  entities: Array<{ entity: string; matchRatio: number }>;
  suggestedCategory: string | null;
}

@Entity({ name: 'data_store_scans' })
export class DataStoreScanEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'data_store_id', type: 'uuid' })
  dataStoreId!: string;

  @Column({ type: 'text' })
  status!: ScanStatus;

  @Column({ type: 'jsonb' })
  columns!: ScanColumnResult[];

  /** The description the scan proposes, in the `collections` format; empty until it completes. */
  @Column({ name: 'suggested_collections', type: 'jsonb' })
  suggestedCollections!: CollectionSpec[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
