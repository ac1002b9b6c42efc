import { DlpError, DlpErrorCode } from '../errors';
import type { CustomRecognizerSpec } from './custom-recognizer';

/** Bounds of a custom recognizer; the HTTP layer states the same ones in its schema. */
export const CUSTOM_RECOGNIZER_LIMITS = {
  name: /^[a-z][a-z0-9_-]{0,63}$/,
  entity: /^[A-Z][A-Z0-9_]{1,63}$/,
  patternLength: 1000,
  denyListEntries: 1000,
  denyListEntryLength: 200,
  contextEntries: 32,
  contextEntryLength: 64,
  contextEntry: /^[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*$/u,
} as const;

/** Refuses a spec the engine would not run as meant; messages name the field, never a value. */
export function checkCustomSpec(spec: CustomRecognizerSpec): void {
  const L = CUSTOM_RECOGNIZER_LIMITS;
  const refuse = (why: string): never => {
    throw new DlpError(DlpErrorCode.InvalidRecognizer, why);
  };
  if (!L.name.test(spec.name)) {
    refuse('name must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter');
  }
  if (!L.entity.test(spec.entity)) {
    refuse('entity must be 2 to 64 of A-Z, 0-9 and _, starting with a letter');
  }
  if (spec.entity === 'DEFAULT') {
    refuse('entity DEFAULT is reserved: it names the redaction operator for all other entities');
  }
  if ((spec.pattern === undefined) === (spec.denyList === undefined)) {
    refuse('Give exactly one of pattern and denyList');
  }
  if (
    spec.pattern !== undefined &&
    (spec.pattern.length === 0 || spec.pattern.length > L.patternLength)
  ) {
    refuse(`pattern must be 1 to ${L.patternLength} characters`);
  }
  if (spec.denyList !== undefined) {
    if (spec.denyList.length === 0 || spec.denyList.length > L.denyListEntries) {
      refuse(`denyList must hold 1 to ${L.denyListEntries} entries`);
    }
    if (spec.denyList.some((w) => w.trim().length === 0 || w.length > L.denyListEntryLength)) {
      refuse(`Each denyList entry must be 1 to ${L.denyListEntryLength} characters, not blank`);
    }
  }
  const context = spec.context ?? [];
  if (context.length > L.contextEntries) {
    refuse(`context must hold at most ${L.contextEntries} entries`);
  }
  if (context.some((w) => w.length > L.contextEntryLength || !L.contextEntry.test(w))) {
    refuse(
      `Each context entry must be words of letters and digits separated by single spaces, at most ${L.contextEntryLength} characters`,
    );
  }
  if (!Number.isFinite(spec.score) || spec.score <= 0 || spec.score > 1) {
    refuse('score must be above 0 and at most 1');
  }
}
