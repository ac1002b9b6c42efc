import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DeadlineRule, Jurisdiction, RequestType } from '../deadlines/deadline-rules';
import type { RequestStatus } from '../privacy-request.state';

@Entity({ name: 'privacy_requests' })
export class PrivacyRequestEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  type!: RequestType;

  @Column({ type: 'text' })
  status!: RequestStatus;

  @Column({ type: 'text' })
  jurisdiction!: Jurisdiction;

  @Column({ type: 'text' })
  source!: 'service' | 'public';

  /** The subject as given at intake, field-encrypted. */
  @Column({ name: 'subject_ciphertext', type: 'text' })
  subjectCiphertext!: string;

  /** A rectification's corrections (field names and new values), field-encrypted; else null. */
  @Column({ name: 'corrections_ciphertext', type: 'text', nullable: true })
  correctionsCiphertext!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ name: 'due_rule', type: 'text' })
  dueRule!: DeadlineRule;

  /** CCPA requests to know, delete and correct: receipt must be confirmed by then (§7021(a)). */
  @Column({ name: 'acknowledge_by', type: 'timestamptz', nullable: true })
  acknowledgeBy!: Date | null;

  @Column({ name: 'acknowledge_rule', type: 'text', nullable: true })
  acknowledgeRule!: DeadlineRule | null;

  /** When receipt was confirmed: the request was accepted as verified (queued or awaiting approval). */
  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'extended_due_at', type: 'timestamptz', nullable: true })
  extendedDueAt!: Date | null;

  @Column({ name: 'extended_rule', type: 'text', nullable: true })
  extendedRule!: DeadlineRule | null;

  /** Why the DPO extended the deadline, as they wrote it. */
  @Column({ name: 'extension_reason', type: 'text', nullable: true })
  extensionReason!: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'verification_code_hash', type: 'text', nullable: true })
  verificationCodeHash!: string | null;

  @Column({ name: 'verification_expires_at', type: 'timestamptz', nullable: true })
  verificationExpiresAt!: Date | null;

  @Column({ name: 'verification_attempts', type: 'int', default: 0 })
  verificationAttempts!: number;

  /** Bumped by a DPO retry so the new run gets fresh job ids. */
  @Column({ type: 'int', default: 0 })
  generation!: number;

  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl!: string | null;

  @Column({ name: 'export_path', type: 'text', nullable: true })
  exportPath!: string | null;

  @Column({ name: 'export_checksum', type: 'text', nullable: true })
  exportChecksum!: string | null;

  /** When the access package and every link to it expire; the file is deleted then. */
  @Column({ name: 'export_expires_at', type: 'timestamptz', nullable: true })
  exportExpiresAt!: Date | null;

  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  /** Whether the subject is mailed (receipt, extension, rejection, completion). */
  @Column({ type: 'boolean', default: false })
  notify!: boolean;

  /** Keyed hash of the capability the subject looks the request up with; null until handed out. */
  @Column({ name: 'status_token_hash', type: 'text', nullable: true })
  statusTokenHash!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
