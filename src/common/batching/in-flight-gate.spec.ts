import { InFlightGate } from './in-flight-gate';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A call that runs until released, recording when it started. */
function held(
  started: string[],
  name: string,
): { work: () => Promise<string>; release: () => void } {
  let release: () => void = () => undefined;
  const done = new Promise<void>((r) => (release = r));
  return {
    work: async () => {
      started.push(name);
      await done;
      return name;
    },
    release: () => release(),
  };
}

describe('InFlightGate', () => {
  it('runs at most `limit` calls at once and the others in turn as slots free', async () => {
    const gate = new InFlightGate(2, 60_000);
    const started: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((n) => held(started, n));
    const results = calls.map((c) => gate.run(c.work));
    await turn();
    expect(started).toEqual(['a', 'b']);
    calls[1].release();
    await turn();
    expect(started).toEqual(['a', 'b', 'c']);
    calls[0].release();
    await turn();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    calls[2].release();
    calls[3].release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('frees the slot of a call that failed', async () => {
    const gate = new InFlightGate(1, 60_000);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('lets a call that waited `maxWaitMs` run without a slot, keeping the limit for the rest', async () => {
    jest.useFakeTimers();
    try {
      const gate = new InFlightGate(1, 100);
      const started: string[] = [];
      const first = held(started, 'first');
      const late = held(started, 'late');
      const a = gate.run(first.work);
      const b = gate.run(late.work);
      await Promise.resolve();
      expect(started).toEqual(['first']);
      jest.advanceTimersByTime(100);
      await Promise.resolve();
      await Promise.resolve();
      expect(started).toEqual(['first', 'late']);
      late.release();
      first.release();
      expect(await Promise.all([a, b])).toEqual(['first', 'late']);
      // Both gone: one slot again, and only one.
      const third = held(started, 'third');
      const fourth = held(started, 'fourth');
      const c = gate.run(third.work);
      const d = gate.run(fourth.work);
      await Promise.resolve();
      await Promise.resolve();
      expect(started).toEqual(['first', 'late', 'third']);
      third.release();
      await c;
      await Promise.resolve();
      await Promise.resolve();
      expect(started).toEqual(['first', 'late', 'third', 'fourth']);
      fourth.release();
      await d;
    } finally {
      jest.useRealTimers();
    }
  });
});
