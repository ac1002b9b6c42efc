import { budgetSpent, cappedBackoff } from './task-retries';

describe('workflow job retries', () => {
  it('double from about one second', () => {
    expect(cappedBackoff(1)).toBeGreaterThanOrEqual(800);
    expect(cappedBackoff(1)).toBeLessThanOrEqual(1000);
    expect(cappedBackoff(4)).toBeGreaterThanOrEqual(6400);
    expect(cappedBackoff(4)).toBeLessThanOrEqual(8000);
  });

  it('never wait more than a minute, however many attempts were made', () => {
    for (const attempts of [7, 20, 1000, 49_999]) {
      expect(cappedBackoff(attempts)).toBeLessThanOrEqual(60_000);
      expect(cappedBackoff(attempts)).toBeGreaterThanOrEqual(48_000);
    }
  });

  it('outlast an outage of minutes: six minutes of backoff still leave attempts to make', () => {
    let waited = 0;
    let attempts = 0;
    while (waited < 6 * 60_000) {
      attempts++;
      waited += cappedBackoff(attempts);
    }
    const job = { timestamp: 0, attemptsMade: attempts, opts: { attempts: 50_000 } };
    expect(budgetSpent(job, 30 * 60_000, waited)).toBe(false);
  });

  it('end a job once its time budget is spent, not after a count of attempts', () => {
    const job = { timestamp: 0, attemptsMade: 3, opts: { attempts: 50_000 } };
    expect(budgetSpent(job, 60_000, 59_999)).toBe(false);
    expect(budgetSpent(job, 60_000, 60_000)).toBe(true);
  });
});
