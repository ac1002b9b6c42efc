import { serviceContext } from 'src/crypto/personal-data.cipher';

/**
 * A mail's reason (an extension's or a rejection's, as a DPO wrote it) is sealed in the reserved
 * context bound to its outbox row; `legacy` is the context it was sealed under before, which the
 * public crypto API could present.
 */
export const reasonContexts = (
  mailId: string,
): { context: Record<string, string>; legacy: Record<string, string> } => ({
  context: serviceContext('subject_mail_outbox.reason', { mail: mailId }),
  legacy: { table: 'subject_mail_outbox', column: 'reason' },
});
