import type { TaskResult } from '../privacy-request.types';

/** A task's result and the line that sums it up, as PostgreSQL records them. */
export interface TaskOutcome {
  result: TaskResult;
  detail: string;
}

/**
 * Where a task's outcome is kept between the store call and PostgreSQL (the job's data in
 * Redis): when the call succeeded but recording it failed (PostgreSQL away, the worker killed),
 * the retry records the first call's counts instead of calling the store again and finding
 * nothing left.
 */
export interface TaskOutcomeMemo {
  /** The outcome an earlier attempt of the same job kept, if any. */
  readonly kept?: TaskOutcome;
  keep(outcome: TaskOutcome): Promise<void>;
}
