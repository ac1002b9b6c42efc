import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { postJson, PrivateAddressError } from 'src/common/outbound/post-json';
import { AppConfig } from 'src/config/app-config';
import { MetricsService } from 'src/health/metrics.service';
import { ConsentLedgerRepository } from '../ledger/consent-ledger.repository';
import { ConsentSubjects } from '../ledger/consent-subject';
import { signWebhook, SIGNATURE_HEADER } from './webhook-signature';
import { CONSENT_WEBHOOK_QUEUE, DeliverJobData, WebhookJob } from './webhook.jobs';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

const TIMEOUT_MS = 10_000;

/** POSTs one signed `consent.changed` event; a failed answer throws so BullMQ retries with backoff. */
@Processor(CONSENT_WEBHOOK_QUEUE)
export class WebhookDeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly service: WebhooksService,
    private readonly ledger: ConsentLedgerRepository,
    private readonly subjects: ConsentSubjects,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: Job<DeliverJobData>): Promise<{ status: number } | { skipped: string }> {
    const name = job.name as WebhookJob;
    switch (name) {
      case WebhookJob.Deliver:
        return this.deliver(job.data);
      default:
        if (Object.values(WebhookJob).includes(name)) {
          return assertUnreachable(name);
        }
        throw new UnrecoverableError(`Unknown webhook job ${job.name}`);
    }
  }

  private async deliver(data: DeliverJobData): Promise<{ status: number } | { skipped: string }> {
    const hook = await this.webhooks.find(data.webhookId);
    if (!hook || !hook.active) {
      this.metrics.webhookDeliveries.inc({ outcome: 'skipped' });
      return { skipped: 'endpoint removed or paused' };
    }
    const event = await this.ledger.findEvent(data.eventId);
    if (!event) {
      throw new UnrecoverableError('Consent event not found');
    }
    const body = JSON.stringify({
      id: event.id,
      type: 'consent.changed',
      createdAt: new Date().toISOString(),
      data: {
        receiptId: event.id,
        sequence: Number(event.seq),
        subjectId: await this.subjects.open(event.subject_enc),
        subjectRef: event.subject_ref,
        purpose: event.purpose_key,
        purposeVersion: event.purpose_version,
        granted: event.granted,
        source: event.source,
        expiresAt: event.expires_at?.toISOString() ?? null,
        recordedAt: event.recorded_at.toISOString(),
      },
    });
    let status: number;
    try {
      status = await postJson(await this.service.urlOf(hook), body, {
        headers: {
          'user-agent': 'privacy-service-webhooks/1',
          'x-webhook-id': event.id,
          'x-webhook-event': 'consent.changed',
          [SIGNATURE_HEADER]: signWebhook(this.service.secretOf(hook), body, new Date()),
        },
        timeoutMs: TIMEOUT_MS,
        allowPrivateNetworks: this.config.webhooks.allowPrivateNetworks,
      });
    } catch (e) {
      if (e instanceof PrivateAddressError) {
        this.metrics.webhookDeliveries.inc({ outcome: 'refused' });
        throw new UnrecoverableError(e.message);
      }
      this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
      throw e;
    }
    if (status === 410) {
      this.metrics.webhookDeliveries.inc({ outcome: 'gone' });
      throw new UnrecoverableError('Endpoint answered 410 Gone');
    }
    if (status < 200 || status >= 300) {
      this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
      this.logger.warn(`Webhook ${hook.id} answered ${status}`);
      throw new Error(`Webhook endpoint answered ${status}`);
    }
    this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
    return { status };
  }
}
