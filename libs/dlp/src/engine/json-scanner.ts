import { DlpError, DlpErrorCode } from '../errors';
import { DEFAULT_MAX_LENGTH, type JsonFinding, type ScanOptions } from '../types';
import { childPath } from './json-path';
import { scanText, type TextScanOptions } from './scanner';

/** Nesting deeper than this is refused rather than walked. */
export const MAX_JSON_DEPTH = 64;

/** A string (or number, scanned as its JSON text) in a JSON value, with its path and key. */
export interface JsonLeaf {
  path: string;
  key: string | undefined;
  text: string;
}

/** Every scalar worth scanning, depth-first in document order; the total text is bounded. */
export function jsonLeaves(value: unknown, maxLength: number = DEFAULT_MAX_LENGTH): JsonLeaf[] {
  const leaves: JsonLeaf[] = [];
  let total = 0;
  const visit = (v: unknown, path: string, key: string | undefined, depth: number): void => {
    if (depth > MAX_JSON_DEPTH) {
      throw new DlpError(
        DlpErrorCode.InputTooDeep,
        `JSON nesting exceeds ${MAX_JSON_DEPTH} levels`,
      );
    }
    if (typeof v === 'string' || typeof v === 'number') {
      const text = typeof v === 'string' ? v : String(v);
      total += text.length;
      if (total > maxLength) {
        throw new DlpError(
          DlpErrorCode.InputTooLarge,
          `JSON strings exceed the limit of ${maxLength} code units`,
        );
      }
      leaves.push({ path, key, text });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, childPath(path, i), key, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        visit(item, childPath(path, k), k, depth + 1);
      }
    }
  };
  visit(value, '$', undefined, 0);
  return leaves;
}

/**
 * Scans every string and number in a JSON value. The nearest key (for array items, the array's
 * key) counts as context for its value, so `{"ssn": "078051121"}` scores as an SSN.
 */
export function scanJson(value: unknown, opts: TextScanOptions = {}): JsonFinding[] {
  const out: JsonFinding[] = [];
  for (const leaf of jsonLeaves(value, opts.maxLength)) {
    const leafOpts: ScanOptions =
      leaf.key === undefined ? opts : { ...opts, context: [...(opts.context ?? []), leaf.key] };
    for (const f of scanText(leaf.text, leafOpts)) {
      out.push({ ...f, path: leaf.path });
    }
  }
  return out;
}
