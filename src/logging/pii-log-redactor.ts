import { createLogRedactor } from '@libs/dlp';

/**
 * Applied to every serialised log line (pino's `streamWrite` hook), so `msg` and every field,
 * including Nest `Logger` calls routed through nestjs-pino, lose e-mails, cards, SSNs, IBANs,
 * phone numbers and secrets. Replacements hold no quote, so JSON lines stay valid.
 */
export const redactLogLine = createLogRedactor({ replacement: (entity) => `[REDACTED:${entity}]` });
