import { Injectable, Logger } from '@nestjs/common';
import { postJson } from 'src/common/outbound/post-json';
import { AppConfig } from 'src/config/app-config';
import { SIGNATURE_HEADER, signWebhook } from 'src/consent/webhooks/webhook-signature';

const TIMEOUT_MS = 5_000;

/**
 * POSTs each alert to ALERT_WEBHOOK_URL, signed like every webhook of the service
 * (`X-Webhook-Signature: t=<unix>,v1=<HMAC-SHA-256 of "<t>.<body>">` under ALERT_WEBHOOK_SECRET),
 * through the same outbound address filter (no private networks unless WEBHOOK_PRIVATE_NETWORKS).
 * One attempt: the alert is already in the audit log and the metrics, which are the record.
 */
@Injectable()
export class AlertWebhook {
  private readonly logger = new Logger(AlertWebhook.name);

  constructor(private readonly config: AppConfig) {}

  async send(alert: { id: string; kind: string }, body: string): Promise<void> {
    const { webhookUrl, webhookSecret } = this.config.securityAlerts;
    if (!webhookUrl || !webhookSecret) {
      return;
    }
    try {
      const status = await postJson(webhookUrl, body, {
        headers: {
          'user-agent': 'privacy-service-alerts/1',
          'x-webhook-id': alert.id,
          'x-webhook-event': 'security.alert',
          [SIGNATURE_HEADER]: signWebhook(webhookSecret, body, new Date()),
        },
        timeoutMs: TIMEOUT_MS,
        allowPrivateNetworks: this.config.webhooks.allowPrivateNetworks,
      });
      if (status >= 300) {
        this.logger.warn(`Alert webhook answered ${status} for alert ${alert.id} (${alert.kind})`);
      }
    } catch (error) {
      this.logger.warn(
        { err: { type: (error as Error).name } },
        `Alert webhook failed for alert ${alert.id} (${alert.kind})`,
      );
    }
  }
}
