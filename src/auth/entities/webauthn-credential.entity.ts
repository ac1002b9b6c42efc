import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A passkey: the public key of a WebAuthn credential and its signature counter. */
@Entity({ name: 'webauthn_credentials' })
export class WebauthnCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** The authenticator's credential id, base64url. */
  @Column({ name: 'credential_id', type: 'text', unique: true })
  credentialId!: string;

  /** COSE public key. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** The last signature counter seen; an authenticator that counts must count up. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  counter!: number;

  @Column({ type: 'text', array: true })
  transports!: string[];

  @Column({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
