export const CONSENT_WEBHOOK_QUEUE = 'consent-webhooks';

export enum WebhookJob {
  Deliver = 'deliver',
}

export interface DeliverJobData {
  webhookId: string;
  /** The receipt id of the consent event; the payload is built from PostgreSQL at delivery. */
  eventId: string;
}

export const DELIVERY_ATTEMPTS = 8;
export const DELIVERY_BACKOFF_MS = 1000;
