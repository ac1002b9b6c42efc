/**
 * Nest's start-up chatter: one line per module, controller and route (well over a hundred). It
 * says nothing an operator acts on, and buries the lines that do, such as "Listening on".
 */
const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Whether a pino log call (its arguments as nestjs-pino passes them) is start-up noise. */
export function isStartupNoise(args: readonly unknown[]): boolean {
  const first = args[0];
  if (typeof first !== 'object' || first === null) {
    return false;
  }
  const context = (first as { context?: unknown }).context;
  return typeof context === 'string' && QUIET_CONTEXTS.has(context);
}

/** Probe and scrape paths: polled every few seconds, one request line each would drown the log. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

export function isProbe(url: string | undefined): boolean {
  return QUIET_PATHS.has((url ?? '').split('?', 1)[0]);
}
