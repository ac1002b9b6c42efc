import { PrivacyRequestError, PrivacyRequestErrorCode } from './privacy-request.error';

export const REQUEST_STATUSES = [
  'pending_verification',
  'pending_approval',
  'queued',
  'in_progress',
  'completed',
  'failed',
  'rejected',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** `waiting`: a manual store's task, done when a person marks it done with a note. */
export const TASK_STATUSES = ['pending', 'in_progress', 'waiting', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Not yet answered: counted as open, overdue once past due, extendable. */
export const OPEN_STATUSES: readonly RequestStatus[] = [
  'pending_verification',
  'pending_approval',
  'queued',
  'in_progress',
];

/** Verified and not finished: the workers own it and the queue must hold a run of it. */
export const ACTIVE_STATUSES: readonly RequestStatus[] = ['queued', 'in_progress'];

/** Nothing moves a request out of these but a DPO (a retry of a failed one). */
export const TERMINAL_STATUSES: readonly RequestStatus[] = ['completed', 'failed', 'rejected'];

/**
 * Every allowed move. A request is created `pending_verification` (public intake) or `queued`
 * (a service vouches for the subject); with REQUEST_APPROVAL=manual a verified request waits as
 * `pending_approval` (its clock running) until a DPO approves (`queued`) or rejects it; `failed`
 * goes back to `queued` only by a DPO retry.
 */
const TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  pending_verification: ['queued', 'pending_approval', 'rejected'],
  pending_approval: ['queued', 'rejected'],
  queued: ['in_progress', 'completed', 'failed', 'rejected'],
  in_progress: ['completed', 'failed', 'rejected'],
  failed: ['queued', 'rejected'],
  completed: [],
  rejected: [],
};

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Refuses a move the workflow does not allow, as a 409 for the caller. */
export function assertTransition(from: RequestStatus, to: RequestStatus): void {
  if (!canTransition(from, to)) {
    throw new PrivacyRequestError(
      PrivacyRequestErrorCode.InvalidState,
      `A ${from} request cannot become ${to}`,
    );
  }
}

export const isOpen = (status: RequestStatus): boolean => OPEN_STATUSES.includes(status);
export const isActive = (status: RequestStatus): boolean => ACTIVE_STATUSES.includes(status);

/**
 * Tasks a run still has to do; a completed task is never started again, and a waiting one is
 * finished only by a person.
 */
export const UNFINISHED_TASK_STATUSES: readonly TaskStatus[] = ['pending', 'in_progress', 'failed'];
