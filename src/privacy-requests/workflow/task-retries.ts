import type { BackoffOptions } from 'bullmq';

/** The backoff type of workflow jobs, resolved by `cappedBackoff` in the workers' settings. */
export const CAPPED_EXPONENTIAL = 'capped-exponential';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;

/**
 * Attempts are not what ends a job: a failure is final once the time budget
 * (PRIVACY_TASK_RETRY_BUDGET) is spent. The count only keeps a runaway job finite; at the capped
 * delay it outlasts any budget the configuration allows in practice (weeks).
 */
export const WORKFLOW_ATTEMPTS = 50_000;

export const WORKFLOW_BACKOFF: BackoffOptions = { type: CAPPED_EXPONENTIAL, delay: FIRST_DELAY_MS };

/**
 * Doubling from one second to a one-minute cap, with up to 20 % taken off at random so jobs
 * failing together (an outage) do not come back in lockstep.
 */
export function cappedBackoff(attemptsMade: number): number {
  const exponential = FIRST_DELAY_MS * 2 ** Math.min(Math.max(attemptsMade - 1, 0), 16);
  const delay = Math.min(exponential, MAX_DELAY_MS);
  return Math.round(delay * (1 - Math.random() * 0.2));
}

/** Whether an attempt that just failed was the last one the budget allows. */
export function budgetSpent(
  job: { timestamp: number; attemptsMade: number; opts: { attempts?: number } },
  budgetMs: number,
  now = Date.now(),
): boolean {
  return now - job.timestamp >= budgetMs || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
