import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  CONSENT_WEBHOOK_QUEUE,
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_MS,
  DeliverJobData,
  WebhookJob,
} from './webhook.jobs';
import { WebhooksRepository } from './webhooks.repository';

/** Queues one delivery per (event, endpoint); the job id makes a re-queue a no-op. */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    @InjectQueue(CONSENT_WEBHOOK_QUEUE) private readonly queue: Queue<DeliverJobData>,
    private readonly webhooks: WebhooksRepository,
  ) {}

  async dispatch(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) {
      return;
    }
    try {
      const targets = await this.webhooks.findActiveIds('consent.changed');
      if (targets.length === 0) {
        return;
      }
      await this.queue.addBulk(
        eventIds.flatMap((eventId) =>
          targets.map((webhookId) => ({
            name: WebhookJob.Deliver,
            data: { webhookId, eventId },
            opts: {
              jobId: `${eventId}_${webhookId}`,
              attempts: DELIVERY_ATTEMPTS,
              backoff: { type: 'exponential', delay: DELIVERY_BACKOFF_MS },
            },
          })),
        ),
      );
    } catch {
      // The decision is committed; a lost notification must not turn the write into an error.
      this.logger.error(`Could not queue ${eventIds.length} consent change notification(s)`);
    }
  }
}
