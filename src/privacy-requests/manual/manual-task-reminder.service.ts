import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { AppConfig } from 'src/config/app-config';
import { MetricsService } from 'src/health/metrics.service';
import { PrivacyRequestRepository } from '../privacy-request.repository';

/**
 * Reminds DPOs of manual tasks still waiting as their request's due date nears (or has passed):
 * an audit event, a warn log line and a metric per task, at most once a day each. Subjects are
 * never told: the reminder is about the service's own work.
 */
@Injectable()
export class ManualTaskReminderService {
  private readonly logger = new Logger('ManualTaskReminders');
  private readonly sent: Counter;

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.sent = new Counter({
      name: 'privacy_manual_task_reminders_total',
      help: 'Reminders about manual-store tasks waiting for a person',
      labelNames: ['overdue'],
      registers: [metrics.registry],
    });
  }

  async remind(now = new Date()): Promise<number> {
    const due = await this.requests.claimReminders(
      this.config.privacyRequests.manualTaskReminderDays,
    );
    for (const r of due) {
      const overdue = r.due < now;
      await this.audit.record(SYSTEM, {
        action: 'privacy_request.task_reminder',
        target: { type: 'privacy_request', id: r.requestId },
        details: { taskId: r.taskId, dueAt: r.due.toISOString(), overdue },
      });
      this.logger.warn(
        `Manual task ${r.taskId} of request ${r.requestId} in store "${r.dataStoreName}" still waits for a person; the request is ${overdue ? 'overdue since' : 'due'} ${r.due.toISOString()}`,
      );
      this.sent.inc({ overdue: String(overdue) });
    }
    return due.length;
  }
}
