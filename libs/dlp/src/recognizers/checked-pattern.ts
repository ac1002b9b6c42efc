import { forEachMatch, type Recognizer } from '../engine/recognizer';
import type { EntityType } from '../types';

export interface CheckedPattern {
  entity: EntityType;
  /** Global regex of candidates; the whole match is the finding. */
  pattern: RegExp;
  /** The identifier's own check (a check digit or letter). */
  valid: (value: string) => boolean;
  score: number;
  context: readonly string[];
  /** A quick whole-text test that holds whenever `pattern` can match. */
  mayMatch: (text: string) => boolean;
}

/** An identifier found by its shape and kept only when its check characters agree. */
export function checkedPatternRecognizer(spec: CheckedPattern): Recognizer {
  return {
    entity: spec.entity,
    context: spec.context,
    mayMatch: spec.mayMatch,
    find(text, _ctx, out) {
      forEachMatch(spec.pattern, text, (m) => {
        if (spec.valid(m[0])) {
          out.push({
            entity: spec.entity,
            start: m.index,
            end: m.index + m[0].length,
            score: spec.score,
          });
        }
      });
    },
  };
}
