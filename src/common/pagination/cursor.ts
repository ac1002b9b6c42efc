import { BadRequestException } from '@nestjs/common';

/** Cursors are opaque to callers: base64url of a JSON position. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  isValid: (value: unknown) => value is T,
): T | undefined {
  if (!cursor) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) {
      return value;
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw new BadRequestException('Invalid cursor');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
