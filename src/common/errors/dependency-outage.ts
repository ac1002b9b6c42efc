/** A dependency the service cannot answer without. */
export type Dependency = 'database' | 'redis';

/** Node's socket errors: the server is not there, or stopped answering. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is away or refusing work for now: class 08 (connection
 * exception), 53300 too many connections, 57P01-57P03 shutting down or starting up.
 */
const POSTGRES_OUTAGE = /^(08...|53300|57P0[123])$/;

/** Messages of the pg driver, TypeORM and ioredis when their connection is gone. */
const DATABASE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Driver not Connected/,
  /^Client has encountered a connection error/,
];
const REDIS_MESSAGES = [
  /^Connection is closed\.?$/,
  /^Reached the max retries per request limit/,
  /Stream isn't writeable/,
  /^connect ETIMEDOUT/,
];

/**
 * Which dependency an error says is away, if any; undefined for every other error (a bug, a
 * constraint, bad input), which must not be reported as an outage. Looks through `cause` and
 * TypeORM's `driverError`.
 */
export function dependencyOutage(error: unknown, depth = 0): Dependency | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) {
    return undefined;
  }
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    driverError?: unknown;
    command?: unknown;
  };
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((m) => m.test(message))) {
    return 'redis';
  }
  if (name === 'ConnectionIsNotSetError' || POSTGRES_OUTAGE.test(code)) {
    return 'database';
  }
  if (DATABASE_MESSAGES.some((m) => m.test(message))) {
    return 'database';
  }
  if (SOCKET_CODES.has(code)) {
    // ioredis marks the command it failed; every other socket error here is PostgreSQL's.
    return e.command !== undefined || /redis/i.test(message) ? 'redis' : 'database';
  }
  return dependencyOutage(e.driverError, depth + 1) ?? dependencyOutage(e.cause, depth + 1);
}

/** How long a caller should wait before trying again, in seconds. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;
