import { textFault } from '../http/input-limits';
import { ValidationFailed } from '../http/validation-failed';

type Position = Record<string, string | number>;

/** Longest text a cursor position holds (keys, timestamps, UUIDs). */
const MAX_POSITION_TEXT = 200;

/** Cursors are opaque to callers: base64url of a JSON position. */
export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Only flat positions with exactly the issued keys, holding short text and safe integers. */
function isFlatPosition(value: unknown, keys: readonly string[]): value is Position {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const own = Object.keys(value);
  if (own.length !== keys.length || !keys.every((k) => own.includes(k))) {
    return false;
  }
  return Object.values(value).every((v) =>
    typeof v === 'string'
      ? v.length <= MAX_POSITION_TEXT && textFault(v) === undefined
      : Number.isSafeInteger(v),
  );
}

/**
 * Reads a cursor strictly: it must be exactly what `encodeCursor` gives for a position the
 * caller's `isValid` accepts, with exactly the `keys` it issues, so a cursor made up or edited by hand is a 400, never a query.
 */
export function decodeCursor<T extends Position>(
  cursor: string | undefined,
  keys: readonly (keyof T & string)[],
  isValid: (value: unknown) => value is T,
): T | undefined {
  if (!cursor) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isFlatPosition(value, keys) && isValid(value) && encodeCursor(value) === cursor) {
      return value;
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw new ValidationFailed([
    { field: 'cursor', message: 'cursor is not one this service issued' },
  ]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isCursorUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An instant exactly as `Date.prototype.toISOString` writes it. */
export function isCursorInstant(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) {
    return false;
  }
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
