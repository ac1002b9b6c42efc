export const MAINTENANCE_QUEUE = 'maintenance';

export enum MaintenanceJob {
  PurgeExpiredSessions = 'purge-expired-sessions',
  PurgeExpiredIdempotencyKeys = 'purge-expired-idempotency-keys',
}
