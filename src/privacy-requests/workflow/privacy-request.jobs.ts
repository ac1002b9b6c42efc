import type { RequestType } from '../deadlines/deadline-rules';
import type { TaskOutcome } from './task-outcome-memo';

export const PRIVACY_REQUEST_QUEUE = 'privacy-requests';

export enum PrivacyRequestJob {
  /** A request's run: its unfinished tasks together, then the finishing step. */
  Run = 'run-request',
  /**
   * The earlier flow's jobs, one per data store under a parent that finished the request. Jobs
   * queued under these names before a deploy are still processed as they were.
   */
  RunTask = 'run-task',
  Finish = 'finish-request',
}

/**
 * `generation`: the run the job belongs to; a job of an earlier run (one the reconciler or a
 * DPO has replaced) finds the request moved on and does nothing. `type`: the request's, so the
 * run's load can also make the audited move to in_progress (absent on jobs queued before it was
 * carried: their run moves the request with a statement of its own). `outcomes`: what a store
 * call did, by task id, kept once it returned (see TaskOutcomeMemo).
 */
export interface RunData {
  requestId: string;
  generation: number;
  type?: RequestType;
  outcomes?: Record<string, TaskOutcome>;
}

/** The earlier flow's task job. `generation` is absent on jobs queued before runs were told apart. */
export interface RunTaskData {
  requestId: string;
  taskId: string;
  generation?: number;
  outcome?: TaskOutcome;
}

/** The earlier flow's parent job. */
export interface FinishData {
  requestId: string;
  generation?: number;
}

/** Deterministic ids: adding the same work twice is a no-op; a new run bumps the generation. */
export const runJobId = (requestId: string, generation: number): string =>
  `run-${requestId}-${generation}`;
/** The earlier flow's ids, still looked up for runs queued before a deploy. */
export const finishJobId = (requestId: string, generation: number): string =>
  `finish-${requestId}-${generation}`;
export const taskJobId = (taskId: string, generation: number): string =>
  `task-${taskId}-${generation}`;
