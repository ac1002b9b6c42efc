import { hash } from 'node:crypto';

/**
 * Keys carry 256 random bits, so a fast hash is as safe as a slow one and keeps checks cheap; the
 * one-shot form builds no Hash object per request.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}
