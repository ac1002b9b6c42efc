import { re2 } from './re2';
import { DlpError, DlpErrorCode } from '../errors';
import type { Finding } from '../types';
import { checkCustomSpec } from './custom-spec';
import { denyListMatcher } from './deny-list';

/** What an administrator registers: a regular expression or a deny list, never both. */
export interface CustomRecognizerSpec {
  /** Unique handle, shown when the recognizer is refused or runs out of time. */
  name: string;
  /** Label of its findings: a built-in entity type or an upper-case name of its own. */
  entity: string;
  /** RE2 syntax: no backreferences or lookaround, so matching time is linear in the text. */
  pattern?: string;
  /** Words or phrases found as whole words. */
  denyList?: readonly string[];
  caseSensitive?: boolean;
  /** Lower-case words that, shortly before a match (or as its JSON key), lift its score. */
  context?: readonly string[];
  /** Score of a match without context, in (0, 1]. */
  score: number;
}

/** A checked, compiled recognizer; build it once and reuse it across scans. */
export interface CustomRecognizer {
  readonly name: string;
  readonly entity: string;
  readonly context: readonly string[];
  readonly score: number;
  /** Pushes its matches to `out`; throws once `deadline` (a `Date.now()` value) has passed. */
  find(text: string, deadline: number, out: Finding[]): void;
}

/** Yields each non-empty match as [start, end); returns false to stop. */
type Matcher = (text: string, each: (start: number, end: number) => boolean) => void;

/**
 * Checks a spec and compiles it. A regular expression runs on RE2, whose automaton matches in
 * time linear in the text whatever the pattern, so a pattern that would backtrack
 * catastrophically under a backtracking engine cannot stall a scan; constructs that only a
 * backtracking engine can run (backreferences, lookaround) are refused with the reason.
 */
export function compileCustomRecognizer(spec: CustomRecognizerSpec): CustomRecognizer {
  checkCustomSpec(spec);
  const matcher =
    spec.pattern !== undefined
      ? regexMatcher(spec.name, spec.pattern, spec.caseSensitive ?? true)
      : denyListMatcher(spec.denyList ?? [], spec.caseSensitive ?? false);
  const context = (spec.context ?? []).map((w) => w.toLowerCase());
  return {
    name: spec.name,
    entity: spec.entity,
    context,
    score: spec.score,
    find(text, deadline, out) {
      let seen = 0;
      matcher(text, (start, end) => {
        // The clock is read every few matches: reading it costs more than a match.
        if ((++seen & 63) === 0 && Date.now() > deadline) {
          throw budgetExceeded(spec.name);
        }
        out.push({ entity: spec.entity, start, end, score: spec.score });
        return true;
      });
      if (Date.now() > deadline) {
        throw budgetExceeded(spec.name);
      }
    },
  };
}

function budgetExceeded(name: string): DlpError {
  return new DlpError(
    DlpErrorCode.RecognizerBudgetExceeded,
    `Custom recognizer ${JSON.stringify(name)} ran out of its time budget on this input`,
  );
}

function regexMatcher(name: string, pattern: string, caseSensitive: boolean): Matcher {
  let re: InstanceType<ReturnType<typeof re2>>;
  try {
    re = new (re2())(pattern, caseSensitive ? 'gu' : 'giu');
  } catch (error) {
    throw new DlpError(
      DlpErrorCode.InvalidRecognizer,
      `Pattern of ${JSON.stringify(name)} refused: ${reason((error as Error).message)}`,
    );
  }
  if (re.test('')) {
    throw new DlpError(
      DlpErrorCode.InvalidRecognizer,
      `Pattern of ${JSON.stringify(name)} refused: it matches the empty string`,
    );
  }
  return (text, each) => {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (!each(m.index, m.index + m[0].length)) {
        return;
      }
    }
  };
}

/** RE2's own message, with why the constructs it lacks are not offered. */
function reason(message: string): string {
  const clean = message.replace(/^Invalid regular expression: /, '').slice(0, 200);
  return /perl operator|backreference|escape sequence: \\[1-9]/.test(clean)
    ? `${clean}; backreferences and lookaround need a backtracking engine, whose matching time can grow exponentially, so patterns run on RE2 without them`
    : clean;
}
