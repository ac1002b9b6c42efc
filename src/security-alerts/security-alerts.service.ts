import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AuditService } from 'src/audit/audit.service';
import { SessionEvents, SessionOpened } from 'src/auth/sessions/session-events';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { MetricsService } from 'src/health/metrics.service';
import { MailTransport } from 'src/privacy-requests/notifications/mail-transport.service';
import { AppConfig } from 'src/config/app-config';
import { AlertWebhook } from './alert-webhook';
import { COLD_FACTOR } from './detectors/decrypt-spike.detector';
import { Detectors } from './detectors/detectors';
import { deviceOf } from './detectors/device';
import { AlertDraft } from './detectors/security-event';
import { SecurityAlertsRepository } from './security-alerts.repository';
import { SecurityEventBus } from './security-event-bus';

const DETECT_EVERY_MS = 1_000;

/**
 * Runs the detectors over the event bus in batches, off the request path, and raises what they
 * find: each alert is an audit event (`security.alert`, its id the alert's id), a count in
 * `security_alerts_total{kind,severity}`, and optionally a signed webhook. Logins that open a
 * session are checked against the user's known devices (`login.new_device`, mailed to the user).
 * Detection sees the events of its own process: with several API instances each watches its share.
 */
@Injectable()
export class SecurityAlertsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SecurityAlertsService.name);
  private readonly detectors: Detectors;
  private readonly counter: Counter<'kind' | 'severity'>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly bus: SecurityEventBus,
    private readonly repo: SecurityAlertsRepository,
    private readonly audit: AuditService,
    private readonly webhook: AlertWebhook,
    private readonly mail: MailTransport,
    private readonly sessions: SessionEvents,
    metrics: MetricsService,
    config: AppConfig,
  ) {
    const thresholds = config.securityAlerts;
    this.detectors = new Detectors({
      decrypt: {
        minFields: thresholds.decryptSpikeFields,
        coldFields: thresholds.decryptSpikeFields * COLD_FACTOR,
      },
      downloads: {
        perAddress: thresholds.exportDownloadsPerAddress,
        overall: thresholds.exportDownloadsTotal,
      },
    });
    this.counter = new Counter({
      name: 'security_alerts_total',
      help: 'Security alerts raised, by kind and severity',
      labelNames: ['kind', 'severity'],
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.sessions.subscribe((event) => this.sessionOpened(event));
    this.timer = setInterval(() => void this.detect(), DETECT_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One batch: everything the bus holds now. */
  async detect(): Promise<void> {
    if (this.running) {
      return this.running;
    }
    this.running = (async () => {
      for (const alert of this.detectors.observe(this.bus.drain())) {
        await this.raise(alert);
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  async raise(alert: AlertDraft): Promise<string | undefined> {
    try {
      const event = await this.audit.record(SYSTEM, {
        action: 'security.alert',
        actor: alert.actor,
        target: { type: 'security_alert', id: alert.kind },
        details: { kind: alert.kind, severity: alert.severity, ...alert.details },
      });
      this.counter.inc({ kind: alert.kind, severity: alert.severity });
      const body = JSON.stringify({
        id: event.id,
        kind: alert.kind,
        severity: alert.severity,
        at: event.occurredAt.toISOString(),
        actor: alert.actor,
        details: alert.details,
      });
      void this.webhook.send({ id: event.id, kind: alert.kind }, body);
      return event.id;
    } catch (error) {
      this.logger.error(
        { err: { type: (error as Error).name } },
        `Could not record a ${alert.kind} alert`,
      );
      return undefined;
    }
  }

  private async sessionOpened(event: SessionOpened): Promise<void> {
    const device = deviceOf(event.userAgent, event.address);
    if (!(await this.repo.rememberDevice(event.userId, device))) {
      return;
    }
    const id = await this.raise({
      kind: 'login.new_device',
      severity: 'medium',
      at: event.at.getTime(),
      actor: { type: 'user', id: event.userId },
      details: {
        userId: event.userId,
        sessionId: event.sessionId,
        device: device.family,
        address: device.address,
        method: event.method,
      },
    });
    const email = await this.repo.emailOf(event.userId);
    if (id && email) {
      await this.mail
        .send(email, newDeviceMail(device, event.at), { requestId: id, kind: 'new-device' })
        .catch((error: unknown) =>
          this.logger.warn(
            { err: { type: (error as Error).name } },
            `New-device mail of alert ${id} failed`,
          ),
        );
    }
  }
}

function newDeviceMail(device: { family: string; address: string }, at: Date) {
  const when = at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const text =
    `Your privacy service admin account was just signed in to from a device it has not seen before:\n\n` +
    `  ${device.family}, network ${device.address}, at ${when}\n\n` +
    `If this was you, there is nothing to do. If not, change your password and end your other ` +
    `sessions (POST /v1/auth/sessions/revoke-others), and tell your administrator.\n`;
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    subject: 'New sign-in to your privacy service account',
    text,
    html: `<pre>${escape(text)}</pre>`,
  };
}
