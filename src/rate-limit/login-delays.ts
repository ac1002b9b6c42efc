/**
 * Growing delays after failed logins: the first `free` failures in the window cost nothing;
 * after them each attempt waits, from the last failure, 1 s doubled per further failure, up to
 * `capMs`. A delay slows guessing without ever locking the account for good.
 */
export function loginDelayMs(failures: number, free: number, capMs: number): number {
  if (failures < free) {
    return 0;
  }
  return Math.min(capMs, 1000 * 2 ** Math.min(30, failures - free));
}

/** How long an attempt must still wait, given the failures so far and when the last one was. */
export function waitMs(
  failures: number,
  lastFailureAt: number,
  free: number,
  capMs: number,
  now: number,
): number {
  return Math.max(0, lastFailureAt + loginDelayMs(failures, free, capMs) - now);
}
