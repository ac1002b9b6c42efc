import type { Finding } from '../types';

/**
 * Makes findings disjoint. Stronger findings claim their span first (higher score, then the
 * longer one, so a match inside another is absorbed); a weaker finding that overlaps a claimed
 * span is dropped, except that overlapping findings of the same entity merge into one.
 */
export function resolveOverlaps<T extends Finding>(findings: T[]): T[] {
  if (findings.length <= 1) {
    return findings;
  }
  const byStrength = [...findings].sort(
    (a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: T[] = [];
  for (const f of byStrength) {
    const lo = lowerBound(kept, f.start);
    let overlapping = -1;
    let conflict = false;
    for (let i = Math.max(0, lo - 1); i < kept.length && kept[i].start < f.end; i++) {
      if (kept[i].end > f.start) {
        if (kept[i].entity === f.entity && overlapping < 0) {
          overlapping = i;
        } else {
          conflict = true;
        }
      }
    }
    if (conflict) {
      continue;
    }
    if (overlapping >= 0) {
      const k = kept[overlapping];
      const merged = { ...k, start: Math.min(k.start, f.start), end: Math.max(k.end, f.end) };
      kept.splice(overlapping, 1);
      if (!overlapsAny(kept, merged)) {
        kept.splice(lowerBound(kept, merged.start), 0, merged);
      } else {
        kept.splice(overlapping, 0, k);
      }
      continue;
    }
    kept.splice(lo, 0, f);
  }
  return kept;
}

/** First index whose start is >= `start` in a list sorted by start. */
function lowerBound(list: readonly Finding[], start: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].start < start) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function overlapsAny(list: readonly Finding[], f: Finding): boolean {
  const lo = lowerBound(list, f.start);
  for (let i = Math.max(0, lo - 1); i < list.length && list[i].start < f.end; i++) {
    if (list[i].end > f.start) {
      return true;
    }
  }
  return false;
}
