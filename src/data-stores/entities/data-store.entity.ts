import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { CollectionSpec, DataStoreType } from 'src/data-stores/data-store.types';

@Entity({ name: 'data_stores' })
export class DataStoreEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  type!: DataStoreType;

  /**
   * The whole connection object, field-encrypted: it holds passwords and signing secrets.
   * Null exactly for a manual store, which has no connection.
   */
  @Column({ name: 'connection_ciphertext', type: 'text', nullable: true })
  connectionCiphertext!: string | null;

  /** What may be shown of the connection: the URL without its password. */
  @Column({ name: 'connection_display', type: 'text', nullable: true })
  connectionDisplay!: string | null;

  @Column({ type: 'jsonb' })
  collections!: CollectionSpec[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
