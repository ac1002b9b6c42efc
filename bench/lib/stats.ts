export interface LatencySummary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** Order statistics for latency samples (nearest-rank percentiles). */
export class Stats {
  static percentile(samples: readonly number[], p: number): number {
    if (samples.length === 0) {
      return Number.NaN;
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }

  static summary(samples: readonly number[]): LatencySummary {
    const total = samples.reduce((sum, x) => sum + x, 0);
    return {
      n: samples.length,
      p50: Stats.percentile(samples, 50),
      p99: Stats.percentile(samples, 99),
      mean: samples.length === 0 ? Number.NaN : total / samples.length,
      min: Math.min(...samples),
      max: Math.max(...samples),
    };
  }
}
