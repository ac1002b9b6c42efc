import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TaskStatus } from '../privacy-request.state';
import type { TaskResult } from '../privacy-request.types';
import type { PendingOutcome } from '../workflow/task-outcome-memo';

/** One data store's share of a request; its state is the truth the queue only carries. */
@Entity({ name: 'privacy_request_tasks' })
export class PrivacyRequestTaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ name: 'data_store_id', type: 'uuid', nullable: true })
  dataStoreId!: string | null;

  @Column({ name: 'data_store_name', type: 'text' })
  dataStoreName!: string;

  @Column({ type: 'text' })
  status!: TaskStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ type: 'jsonb', default: {} })
  result!: TaskResult;

  /** An erasure's outcome written before its store committed it (see PendingOutcome). */
  @Column({ name: 'pending_outcome', type: 'jsonb', nullable: true })
  pendingOutcome!: PendingOutcome | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
