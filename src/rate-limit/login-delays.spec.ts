import { loginDelayMs, waitMs } from './login-delays';

describe('login delays', () => {
  it('costs nothing until the free failures are spent', () => {
    expect([0, 1, 4].map((n) => loginDelayMs(n, 5, 60_000))).toEqual([0, 0, 0]);
  });

  it('doubles with each further failure up to the cap', () => {
    expect([5, 6, 7, 8, 20].map((n) => loginDelayMs(n, 5, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 60_000,
    ]);
  });

  it('counts the wait from the last failure', () => {
    expect(waitMs(6, 10_000, 5, 60_000, 10_500)).toBe(1500);
    expect(waitMs(6, 10_000, 5, 60_000, 13_000)).toBe(0);
  });
});
