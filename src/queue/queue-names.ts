/** Every BullMQ queue of the service; a capability registers its queue under one of these names. */
export const QUEUE_NAMES = [
  'maintenance',
  'consent-webhooks',
  'data-store-scans',
  'privacy-requests',
  'privacy-retention',
  'subject-mail',
  'crypto-rewrap',
  'manual-task-reminders',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
