import { createLogRedactor } from '@libs/dlp';

const redactPii = createLogRedactor({ replacement: (entity) => `[REDACTED:${entity}]` });

/**
 * The service's own API keys (`API_KEY_PREFIX` in src/auth/api-keys): a format no generic secret
 * recognizer knows. Spelled out here so logging does not import the auth module.
 */
const KEY_PREFIX = 'psk_';
const SERVICE_KEY = /psk_[A-Za-z0-9_-]{8,}/g;

/**
 * Applied to every serialised log line (pino's `streamWrite` hook), so `msg` and every field,
 * including Nest `Logger` calls routed through nestjs-pino, lose e-mails, cards, SSNs, IBANs,
 * phone numbers, secrets and this service's API keys. Replacements hold no quote, so JSON lines
 * stay valid.
 */
export function redactLogLine(line: string): string {
  const out = redactPii(line);
  return out.includes(KEY_PREFIX) ? out.replace(SERVICE_KEY, '[REDACTED:SECRET]') : out;
}
