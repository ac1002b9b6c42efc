import type { INestApplicationContext } from '@nestjs/common';

const FORCE_EXIT_AFTER_MS = 30_000;

/**
 * On SIGTERM or SIGINT: stop taking requests, let workers finish or hand back their current job,
 * close connections, then exit 0. A shutdown that hangs is cut short so orchestrators are not stuck.
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
