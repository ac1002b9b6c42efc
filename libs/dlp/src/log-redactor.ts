import { scanText } from './engine/scanner';
import type { EntityType } from './types';

/** The entities whose matches are near-certain; the log redactor handles only these. */
export const LOG_REDACTOR_ENTITIES: readonly EntityType[] = [
  'EMAIL_ADDRESS',
  'CREDIT_CARD',
  'US_SSN',
  'IBAN_CODE',
  'PHONE_NUMBER',
  'SECRET',
];

export interface LogRedactorOptions {
  entities?: readonly EntityType[];
  /** Text put in place of a finding (default `[REDACTED:<ENTITY>]`). */
  replacement?: (entity: EntityType) => string;
  /** Default 0.4: a phone number without context, a separated SSN; never a bare 9-digit number. */
  minScore?: number;
  /** Longer lines are cut to this many code units first (a log line is no document). */
  maxLength?: number;
}

/**
 * A line with none of these cannot hold any of the entities above, and most log lines are
 * passed through after this one test.
 */
const MAY_HOLD_PII =
  /[0-9@]|eyJ|-----BEGIN|xox|gh[pousr]_|github_pat_|glpat-|_live_|_test_|AIza|pass|secret|token|key|credential|authorization|bearer/i;

/** Text as a reader sees it, with `from[i]` the offset in the raw line where decoded unit i starts. */
interface DecodedView {
  text: string;
  /** One entry per decoded code unit plus one for the end of the line. */
  from: Int32Array;
}

const JSON_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  '\\': '\\',
  '/': '/',
};
const HEX4 = /^[0-9a-fA-F]{4}$/;
const HEX2 = /^[0-9a-fA-F]{2}$/;

/**
 * Undoes JSON string escapes. In the raw line `\n4111…` or `\u00404111…` a value sits right after
 * a letter or digit, so recognizers that require a boundary before the value do not see it.
 */
function unescapeJson(raw: string): DecodedView {
  let text = '';
  const from = new Int32Array(raw.length + 1);
  let n = 0;
  for (let i = 0; i < raw.length;) {
    from[n++] = i;
    if (raw.charCodeAt(i) === 0x5c && i + 1 < raw.length) {
      const next = raw[i + 1];
      const simple = JSON_ESCAPES[next];
      if (simple !== undefined) {
        text += simple;
        i += 2;
        continue;
      }
      const hex = raw.slice(i + 2, i + 6);
      if (next === 'u' && HEX4.test(hex)) {
        text += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
    }
    text += raw[i];
    i += 1;
  }
  from[n] = raw.length;
  return { text, from: from.subarray(0, n + 1) };
}

/**
 * Undoes ASCII percent-encoding, so `jane%40example.com` or `4111%201111%201111%201111` in a
 * logged URL is seen as the value it encodes. Non-ASCII bytes stay encoded: no entity needs them.
 */
function percentDecode(raw: string): DecodedView {
  let text = '';
  const from = new Int32Array(raw.length + 1);
  let n = 0;
  for (let i = 0; i < raw.length;) {
    from[n++] = i;
    const hex = raw.slice(i + 1, i + 3);
    if (raw.charCodeAt(i) === 0x25 && HEX2.test(hex) && parseInt(hex, 16) < 0x80) {
      text += String.fromCharCode(parseInt(hex, 16));
      i += 3;
      continue;
    }
    text += raw[i];
    i += 1;
  }
  from[n] = raw.length;
  return { text, from: from.subarray(0, n + 1) };
}

/** Both decodings, composed; undefined when the line holds no escape at all (the common case). */
function decodedView(line: string): DecodedView | undefined {
  const json = line.includes('\\') ? unescapeJson(line) : undefined;
  const base = json?.text ?? line;
  const pct = base.includes('%') ? percentDecode(base) : undefined;
  if (pct === undefined) {
    return json;
  }
  if (json !== undefined) {
    for (let i = 0; i < pct.from.length; i++) {
      pct.from[i] = json.from[pct.from[i]];
    }
  }
  return pct;
}

/**
 * A digit run glued to a word or an id (`req-4111111111111111`, `ssn536228726`): the recognizers
 * want a boundary before a number, which keeps them precise in documents, but log lines carry such
 * ids. The run must end the token, and the token must hold a letter beyond hex (or `_`), so digits
 * at the end of hashes and UUIDs do not count.
 */
// The glue is a letter or `_`, then an optional `-`: never `-` alone, which also separates digit
// groups and would make each one a new start (quadratic on `-1-1-1…`).
const GLUED_NUMBER = /[A-Za-z_]-?(?=\d[\d -]{7,}\d(?!\w))/g;
const NOT_HEX = /[g-zG-Z_]/;

/** `text` with the glue before such runs turned into spaces (same length, same offsets). */
function unglue(text: string): string | undefined {
  let changed = false;
  const out = text.replace(GLUED_NUMBER, (glue: string, at: number) => {
    let start = at;
    while (start > 0 && /[\w-]/.test(text[start - 1])) {
      start -= 1;
    }
    if (!NOT_HEX.test(text.slice(start, at + 1))) {
      return glue;
    }
    changed = true;
    return ' '.repeat(glue.length);
  });
  return changed ? out : undefined;
}
const NUMBER_ENTITIES: readonly EntityType[] = ['CREDIT_CARD', 'US_SSN', 'PHONE_NUMBER'];

interface Span {
  start: number;
  end: number;
  entity: EntityType;
}

export type LogRedactor = (line: string) => string;

/** Builds the redactor once; the returned function is synchronous and never throws on size. */
export function createLogRedactor(options: LogRedactorOptions = {}): LogRedactor {
  const entities = options.entities ?? LOG_REDACTOR_ENTITIES;
  const numberEntities = NUMBER_ENTITIES.filter((e) => entities.includes(e));
  const replacement = options.replacement ?? ((e: EntityType) => `[REDACTED:${e}]`);
  const minScore = options.minScore ?? 0.4;
  const maxLength = options.maxLength ?? 65_536;

  // Only built-in entities are asked for, so every finding's label is one.
  const find = (text: string): Span[] => {
    const spans = scanText(text, { entities, minScore, maxLength }) as Span[];
    const unglued = numberEntities.length > 0 ? unglue(text) : undefined;
    if (unglued !== undefined) {
      spans.push(
        ...(scanText(unglued, { entities: numberEntities, minScore, maxLength }) as Span[]),
      );
      spans.sort((a, b) => a.start - b.start || b.end - a.end);
    }
    return spans;
  };

  return (input: string): string => {
    const line = input.length > maxLength ? input.slice(0, maxLength) : input;
    if (!MAY_HOLD_PII.test(line)) {
      return line;
    }
    // Findings are searched in the decoded text and cut out of the raw line: each decoded unit
    // maps back to whole escape sequences, so a replacement never splits one and JSON stays valid.
    const view = decodedView(line);
    const spans = find(view?.text ?? line);
    if (spans.length === 0) {
      return line;
    }
    let out = '';
    let at = 0;
    for (const f of spans) {
      const start = view ? view.from[f.start] : f.start;
      const end = view ? view.from[f.end] : f.end;
      if (start < at) {
        // Overlapping spans from the two passes: widen the cut already made.
        at = Math.max(at, end);
        continue;
      }
      out += line.slice(at, start) + replacement(f.entity);
      at = end;
    }
    return out + line.slice(at);
  };
}
