import type { INestApplicationContext } from '@nestjs/common';

const FORCE_EXIT_AFTER_MS = 30_000;

/**
 * On SIGTERM or SIGINT, in this order: workers stop taking jobs and their running jobs finish
 * (bounded, `WorkerDrain`), timers stop, the HTTP server stops taking requests, then queues,
 * Redis and the database close; exit 0. A shutdown that hangs is cut short so orchestrators are
 * not stuck.
 */
export function exitGracefullyOnSignals(app: INestApplicationContext): void {
  let closing = false;
  const shutdown = (): void => {
    if (closing) {
      return;
    }
    closing = true;
    setTimeout(() => process.exit(1), FORCE_EXIT_AFTER_MS).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
