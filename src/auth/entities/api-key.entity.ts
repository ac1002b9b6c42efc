import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Scope } from 'src/common/access/caller';

@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The key's first characters, to tell keys apart in lists. */
  @Column({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the key; the key itself is shown once and never stored. */
  @Column({ name: 'key_hash', type: 'text', unique: true })
  keyHash!: string;

  @Column({ type: 'text', array: true })
  scopes!: Scope[];

  /** Keyring aliases the key's crypto calls are limited to; null: every alias. */
  @Column({ name: 'key_aliases', type: 'text', array: true, nullable: true })
  keyAliases!: string[] | null;

  /** The key's own requests per minute; null: the configured default. */
  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true })
  rateLimitPerMinute!: number | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
