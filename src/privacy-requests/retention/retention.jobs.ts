import type { QueueName } from 'src/queue/queue-names';

export const RETENTION_QUEUE = 'privacy-retention' satisfies QueueName;

export enum RetentionJob {
  /** Deletes expired access packages and request records past REQUEST_RETENTION. */
  Purge = 'purge-expired-requests',
}

/** Hourly: a package is gone within the hour after its expiry. */
export const PURGE_EVERY_MS = 60 * 60 * 1000;
