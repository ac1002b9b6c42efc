import { createHash } from 'node:crypto';

/** Keys carry 256 random bits, so a fast hash is as safe as a slow one and keeps checks cheap. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
