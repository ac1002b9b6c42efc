import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SessionMethod = 'password' | 'mfa' | 'oidc';

/** Server-side half of an access token: ending it ends every token it issued, at once. */
@Entity({ name: 'auth_sessions' })
export class AuthSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Absolute end: login time plus SESSION_MAX_AGE. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Kept to within a minute: the idle timeout counts from here. */
  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  /** The client's network, not its address: an IPv4 /24 or an IPv6 /48. */
  @Column({ type: 'text', nullable: true })
  address!: string | null;

  /** SHA-256 of user agent and coarse address: tells a known device from a new one. */
  @Column({ name: 'device_hash', type: 'text', nullable: true })
  deviceHash!: string | null;

  @Column({ type: 'text' })
  method!: SessionMethod;

  /** SHA-256 of the current refresh token; rotated on every refresh. */
  @Column({ name: 'refresh_hash', type: 'bytea', nullable: true })
  refreshHash!: Buffer | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'text', nullable: true })
  revokedReason!: string | null;
}
