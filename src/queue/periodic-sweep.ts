import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

/**
 * A pass over PostgreSQL, the truth, that puts right what the queue lost: run on a timer rather
 * than as a queued job, so it keeps trying while Redis is down. One pass at a time per process;
 * a failed pass is logged at warn (error class only) and the next one tries again. On shutdown
 * the timer stops and a running pass is awaited, before queues and the database close.
 */
export abstract class PeriodicSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  /** `what` names the pass in the log ("Reconcile pass"). */
  constructor(
    private readonly what: string,
    private readonly everyMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass now; resolves to `idle` when a pass is already running or this one failed. */
  protected async once<T>(pass: () => Promise<T>, idle: T): Promise<T> {
    if (this.running) {
      return idle;
    }
    const run = pass().catch((e: unknown) => {
      this.logger.warn(`${this.what} failed (${(e as Error)?.name ?? typeof e})`);
      return idle;
    });
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  /** What the timer calls. */
  abstract tick(): Promise<unknown>;
}
