export const SUBJECT_MAIL_QUEUE = 'subject-mail';

export enum SubjectMailJob {
  /** Sends one outbox row, at most once. */
  Send = 'send-subject-mail',
}

export interface SendMailData {
  outboxId: string;
}

/** One job per row: adding it again while it is known to the queue is a no-op. */
export const sendJobId = (outboxId: string): string => `mail-${outboxId}`;
