import { performance } from 'node:perf_hooks';
import { Stats, type LatencySummary } from './stats';

export interface ThroughputResult {
  /** Operations per second (an operation is whatever one unit of `body` counts). */
  readonly opsPerSec: number;
  readonly ops: number;
  readonly seconds: number;
}

/** Time-boxed measurement loops shared by the benchmarks. */
export class Runner {
  /**
   * Calls `body` repeatedly for `seconds` after a warm-up; `body` returns how many operations it
   * performed. The best of `rounds` rounds is kept, to damp noise from the other core's load.
   * With `concurrency` > 1, that many callers run side by side, each starting its next call as
   * soon as its last one ends (for servers, which need several requests in flight).
   */
  static async throughput(
    body: () => number | Promise<number>,
    options: {
      seconds?: number;
      warmupSeconds?: number;
      rounds?: number;
      concurrency?: number;
    } = {},
  ): Promise<ThroughputResult> {
    const { seconds = 1.5, warmupSeconds = 0.5, rounds = 3, concurrency = 1 } = options;
    await Runner.loop(body, warmupSeconds, concurrency);
    let best: ThroughputResult | undefined;
    for (let round = 0; round < rounds; round += 1) {
      const result = await Runner.loop(body, seconds, concurrency);
      if (best === undefined || result.opsPerSec > best.opsPerSec) {
        best = result;
      }
    }
    return best as ThroughputResult;
  }

  /**
   * Measures several bodies in alternating rounds and keeps each one's best round, so that a
   * burst of load from elsewhere on the machine hits all of them rather than skewing a ratio.
   */
  static async interleaved<K extends string>(
    bodies: Record<K, () => number | Promise<number>>,
    options: {
      seconds?: number;
      warmupSeconds?: number;
      rounds?: number;
      /** Callers side by side, per body (1 when absent). */
      concurrency?: Partial<Record<K, number>>;
    } = {},
  ): Promise<Record<K, ThroughputResult>> {
    const { seconds = 1, warmupSeconds = 0.3, rounds = 5 } = options;
    const concurrency: Partial<Record<K, number>> = options.concurrency ?? {};
    const names = Object.keys(bodies) as K[];
    const best = {} as Record<K, ThroughputResult>;
    for (const name of names) {
      await Runner.loop(bodies[name], warmupSeconds, concurrency[name]);
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const name of names) {
        const result = await Runner.loop(bodies[name], seconds, concurrency[name]);
        if (best[name] === undefined || result.opsPerSec > best[name].opsPerSec) {
          best[name] = result;
        }
      }
    }
    return best;
  }

  /** Runs `body` `samples` times, returning latency percentiles in milliseconds. */
  static async latency(
    body: () => Promise<unknown>,
    samples: number,
    warmup = 5,
  ): Promise<LatencySummary> {
    for (let i = 0; i < warmup; i += 1) {
      await body();
    }
    const times: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const start = performance.now();
      await body();
      times.push(performance.now() - start);
    }
    return Stats.summary(times);
  }

  private static async loop(
    body: () => number | Promise<number>,
    seconds: number,
    concurrency = 1,
  ): Promise<ThroughputResult> {
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let ops = 0;
    const caller = async (): Promise<void> => {
      while (performance.now() < deadline) {
        // Awaited first: `ops += await body()` would read `ops` before another caller adds to it.
        const done = await body();
        ops += done;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    const elapsed = (performance.now() - start) / 1000;
    return { opsPerSec: ops / elapsed, ops, seconds: elapsed };
  }
}
