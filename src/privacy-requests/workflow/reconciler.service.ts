import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { PrivacyRequestRepository } from '../privacy-request.repository';
import { WorkflowQueue } from './workflow-queue.service';

/**
 * PostgreSQL is the truth: every open request whose run is not on the queue (a crash or a Redis
 * outage between commit and enqueue) is enqueued again. A timer, not a queued job, so it keeps
 * trying while Redis is down.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly requests: PrivacyRequestRepository,
    private readonly workflow: WorkflowQueue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.privacyRequests.reconcileEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<number> {
    if (this.running) {
      return 0;
    }
    this.running = true;
    let enqueued = 0;
    try {
      for (const request of await this.requests.findActive(500)) {
        if (!(await this.workflow.isQueued(request))) {
          await this.workflow.enqueue(request.id);
          enqueued++;
        }
      }
      if (enqueued > 0) {
        this.logger.log(`Re-enqueued ${enqueued} privacy requests`);
      }
    } catch (e) {
      this.logger.warn(`Reconcile pass failed (${(e as Error).name})`);
    } finally {
      this.running = false;
    }
    return enqueued;
  }
}
