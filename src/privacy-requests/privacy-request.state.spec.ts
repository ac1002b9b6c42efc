import { PrivacyRequestError, PrivacyRequestErrorCode } from './privacy-request.error';
import {
  ACTIVE_STATUSES,
  assertTransition,
  canTransition,
  OPEN_STATUSES,
  REQUEST_STATUSES,
  RequestStatus,
  TERMINAL_STATUSES,
} from './privacy-request.state';

describe('privacy request state', () => {
  const allowed: Array<[RequestStatus, RequestStatus, string]> = [
    ['pending_verification', 'queued', 'the subject verifies'],
    ['pending_verification', 'rejected', 'a DPO rejects an unverified request'],
    ['pending_verification', 'pending_approval', 'verified, the request waits for a DPO'],
    ['pending_approval', 'queued', 'a DPO approves'],
    ['pending_approval', 'rejected', 'a DPO rejects instead'],
    ['queued', 'in_progress', 'the first task starts'],
    ['queued', 'completed', 'a request without tasks finishes'],
    ['queued', 'failed', 'a task fails for good before any started the request'],
    ['in_progress', 'completed', 'every task completed'],
    ['in_progress', 'failed', 'a task failed for good'],
    ['in_progress', 'rejected', 'a DPO rejects a running request'],
    ['failed', 'queued', 'a DPO retries'],
    ['failed', 'rejected', 'a DPO gives up on a failed request'],
  ];
  it.each(allowed)('%s -> %s is allowed (%s)', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  const refused: Array<[RequestStatus, RequestStatus, string]> = [
    ['completed', 'queued', 'a completed request is never run again'],
    ['completed', 'failed', 'a late failure does not undo a completion'],
    ['rejected', 'queued', 'a rejected request stays rejected'],
    ['in_progress', 'queued', 'a running request is not queued again'],
    ['pending_verification', 'in_progress', 'work never starts before verification'],
    ['pending_verification', 'completed', 'an unverified request is never completed'],
    ['failed', 'completed', 'a failed request completes only through a retry'],
    ['queued', 'queued', 'a request does not move onto its own status'],
    ['pending_approval', 'in_progress', 'no work starts before approval'],
    ['pending_approval', 'completed', 'an unapproved request is never completed'],
    ['queued', 'pending_approval', 'an approved request does not wait again'],
  ];
  it.each(refused)('%s -> %s is refused (%s)', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('a refused transition is a 409 invalid-state error naming both statuses', () => {
    let error: unknown;
    try {
      assertTransition('completed', 'queued');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrivacyRequestError);
    expect((error as PrivacyRequestError).code).toBe(PrivacyRequestErrorCode.InvalidState);
    expect((error as PrivacyRequestError).status).toBe(409);
    expect((error as PrivacyRequestError).detail).toBe('A completed request cannot become queued');
  });

  it('terminal statuses allow no move but a DPO retry or rejection of a failed request', () => {
    const exits = TERMINAL_STATUSES.flatMap((from) =>
      REQUEST_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(exits).toEqual(['failed->queued', 'failed->rejected']);
  });

  it('every status is exactly one of open or terminal, and active ones are open', () => {
    for (const s of REQUEST_STATUSES) {
      expect([OPEN_STATUSES.includes(s), TERMINAL_STATUSES.includes(s)]).toContain(true);
      expect(OPEN_STATUSES.includes(s) && TERMINAL_STATUSES.includes(s)).toBe(false);
    }
    expect(ACTIVE_STATUSES.every((s) => OPEN_STATUSES.includes(s))).toBe(true);
  });
});
