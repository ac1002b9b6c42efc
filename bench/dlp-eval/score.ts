/** Entity-level scoring: a finding and a labelled span match when they overlap at all. */
import type { EvalRecord } from './record';

export interface Predicted {
  entity: string;
  start: number;
  end: number;
}

export interface EntityScore {
  gold: number;
  predicted: number;
  /** Findings that overlap a labelled span of their entity. */
  truePositives: number;
  /** Labelled spans that no finding of their entity overlaps. */
  missed: number;
  precision: number;
  recall: number;
  f1: number;
}

interface Tally {
  gold: number;
  predicted: number;
  tp: number;
  found: number;
}

const overlaps = (a: Predicted, b: Predicted): boolean => a.start < b.end && b.start < a.end;

export class Scorer {
  private readonly tallies = new Map<string, Tally>();

  private tally(entity: string): Tally {
    let t = this.tallies.get(entity);
    if (t === undefined) {
      t = { gold: 0, predicted: 0, tp: 0, found: 0 };
      this.tallies.set(entity, t);
    }
    return t;
  }

  /** Adds one record; returns its false positives and misses, for inspection. */
  add(
    record: EvalRecord,
    predicted: readonly Predicted[],
  ): { falsePositives: Predicted[]; misses: Predicted[] } {
    const falsePositives: Predicted[] = [];
    const misses: Predicted[] = [];
    for (const p of predicted) {
      const t = this.tally(p.entity);
      t.predicted++;
      if (record.gold.some((g) => g.entity === p.entity && overlaps(g, p))) {
        t.tp++;
      } else {
        falsePositives.push(p);
      }
    }
    for (const g of record.gold) {
      const t = this.tally(g.entity);
      t.gold++;
      if (predicted.some((p) => p.entity === g.entity && overlaps(g, p))) {
        t.found++;
      } else {
        misses.push(g);
      }
    }
    return { falsePositives, misses };
  }

  scores(): Record<string, EntityScore> {
    const out: Record<string, EntityScore> = {};
    for (const [entity, t] of [...this.tallies.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      // No findings and nothing to find: nothing was wrong.
      const precision = t.predicted === 0 ? (t.gold === 0 ? 1 : 0) : t.tp / t.predicted;
      const recall = t.gold === 0 ? 1 : t.found / t.gold;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      out[entity] = {
        gold: t.gold,
        predicted: t.predicted,
        truePositives: t.tp,
        missed: t.gold - t.found,
        precision: round(precision),
        recall: round(recall),
        f1: round(f1),
      };
    }
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
