import type { TaskOutcome } from './task-outcome-memo';

export const PRIVACY_REQUEST_QUEUE = 'privacy-requests';

export enum PrivacyRequestJob {
  /** One per data store: export, erase or opt out in that store. */
  RunTask = 'run-task',
  /** The flow's parent: runs after every task, finishes the request. */
  Finish = 'finish-request',
}

/**
 * `generation`: the run the job belongs to; a job of an earlier run (one the reconciler or a
 * DPO has replaced) finds the request moved on and does nothing. Absent on jobs queued before
 * runs were told apart.
 */
export interface RunTaskData {
  requestId: string;
  taskId: string;
  generation?: number;
  /** What the store call did, kept once it returned (see TaskOutcomeMemo). */
  outcome?: TaskOutcome;
}

export interface FinishData {
  requestId: string;
  generation?: number;
}

/** Deterministic ids: adding the same work twice is a no-op; a DPO retry bumps the generation. */
export const finishJobId = (requestId: string, generation: number): string =>
  `finish-${requestId}-${generation}`;
export const taskJobId = (taskId: string, generation: number): string =>
  `task-${taskId}-${generation}`;
