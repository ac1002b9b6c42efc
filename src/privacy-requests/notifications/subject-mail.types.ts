/** What a data subject is mailed about, once per request each. */
export const SUBJECT_MAIL_KINDS = ['receipt', 'extension', 'rejection', 'completion'] as const;
export type SubjectMailKind = (typeof SUBJECT_MAIL_KINDS)[number];

/**
 * pending → sending → sent; back to pending only when the server refused the message (so it
 * was not delivered); failed after the last attempt or when a send was interrupted (delivery
 * unknown, never repeated); skipped when there is nothing to send (no address, state moved on).
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** Non-personal facts a mail is built from, fixed when the row is written. */
export interface OutboxDetails {
  /** receipt and extension: the due date announced. */
  dueAt?: string;
}

/** An outbox row about to be written with the change it announces. */
export interface OutboxEntry {
  id: string;
  kind: SubjectMailKind;
  details: OutboxDetails;
  /** extension and rejection: the DPO's reason, field-encrypted. */
  reasonCiphertext: string | null;
}

/** A row claimed for sending. */
export interface ClaimedMail {
  id: string;
  requestId: string;
  kind: SubjectMailKind;
  language: string;
  details: OutboxDetails;
  reasonCiphertext: string | null;
}
