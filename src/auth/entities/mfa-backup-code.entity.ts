import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'mfa_backup_codes' })
export class MfaBackupCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** HMAC of the code under the service key: codes are random, so a keyed hash suffices. */
  @Column({ name: 'code_hash', type: 'text' })
  codeHash!: string;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
