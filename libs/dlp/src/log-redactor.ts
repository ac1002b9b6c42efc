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

export type LogRedactor = (line: string) => string;

/** Builds the redactor once; the returned function is synchronous and never throws on size. */
export function createLogRedactor(options: LogRedactorOptions = {}): LogRedactor {
  const entities = options.entities ?? LOG_REDACTOR_ENTITIES;
  const replacement = options.replacement ?? ((e: EntityType) => `[REDACTED:${e}]`);
  const minScore = options.minScore ?? 0.4;
  const maxLength = options.maxLength ?? 65_536;
  return (input: string): string => {
    const line = input.length > maxLength ? input.slice(0, maxLength) : input;
    if (!MAY_HOLD_PII.test(line)) {
      return line;
    }
    const findings = scanText(line, { entities, minScore, maxLength });
    if (findings.length === 0) {
      return line;
    }
    let out = '';
    let at = 0;
    for (const f of findings) {
      out += line.slice(at, f.start) + replacement(f.entity);
      at = f.end;
    }
    return out + line.slice(at);
  };
}
