import { ValidationFailed } from '../http/validation-failed';
import { decodeCursor, encodeCursor, isCursorInstant, isCursorUuid } from './cursor';

type Position = { c: string; id: string };
const isPosition = (v: unknown): v is Position =>
  isCursorInstant((v as Position).c) && isCursorUuid((v as Position).id);
const ID = '0b6e4f3e-1f7a-4d7e-8c55-1b0f5d2c9a10';
const raw = (text: string) => Buffer.from(text).toString('base64url');

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    const position = { c: '2026-12-01T08:30:00.000Z', id: ID };
    expect(decodeCursor(encodeCursor(position), ['c', 'id'], isPosition)).toEqual(position);
  });

  it('reads no cursor as the first page', () => {
    expect(decodeCursor(undefined, ['c', 'id'], isPosition)).toBeUndefined();
  });

  it.each([
    ['an extra key', raw(JSON.stringify({ c: '2026-12-01T08:30:00.000Z', id: ID, x: 1 }))],
    ['a missing key', raw(JSON.stringify({ c: '2026-12-01T08:30:00.000Z' }))],
    [
      'another encoding of the same position',
      raw(`{"c": "2026-12-01T08:30:00.000Z", "id": "${ID}"}`),
    ],
    ['an impossible instant', raw(JSON.stringify({ c: '2026-02-30T00:00:00.000Z', id: ID }))],
    ['a NUL', raw(JSON.stringify({ c: '2026-12-01T08:30:00.000Z', id: `${ID}\u0000` }))],
    ['an array', raw(JSON.stringify(['2026-12-01T08:30:00.000Z', ID]))],
    ['no JSON', raw('not json')],
    ['padding', `${encodeCursor({ c: '2026-12-01T08:30:00.000Z', id: ID })}=`],
  ])('refuses %s with a validation error on the cursor', (_name, cursor) => {
    const error = thrownBy(() => decodeCursor(cursor, ['c', 'id'], isPosition));
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).errors).toEqual([
      expect.objectContaining({ field: 'cursor' }),
    ]);
  });
});
