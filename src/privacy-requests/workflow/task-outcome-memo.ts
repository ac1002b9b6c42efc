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

/**
 * An erasure's outcome written to the task's row before the store commits it (a write-ahead
 * record in the service's PostgreSQL, which outlives Redis and the job): a worker that dies
 * between the store's commit and the task's record leaves it for the rerun, which finds nothing
 * left to erase and reads the real counts here.
 */
export interface PendingOutcome {
  /** Counts of earlier attempts known to have committed. */
  settled?: TaskOutcome;
  /** This attempt's counts, committed or not. */
  outcome: TaskOutcome;
  /** The store's transaction id, when the store can tell later whether it committed. */
  commit?: string;
}
