import { createHash } from 'node:crypto';
import {
  canonicalEvent,
  canonicalJson,
  chainHash,
  deriveChainKey,
  GENESIS_HASH,
  hmacPads,
  keyedChainHash,
} from './audit-chain';

const event = {
  id: '7d0f6c8e-6a53-4a5e-9a43-4c9b3c0f1a11',
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  actorType: 'user',
  actorId: 'u1',
  action: 'auth.login',
  targetType: null,
  targetId: null,
  outcome: 'success',
  requestId: 'r1',
  details: { b: 1, a: [2, { d: 3, c: 4 }] },
};

describe('audit chain', () => {
  it('serialises objects with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: [{ f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[{"e":2,"f":1}],"d":1},"b":1}',
    );
  });

  it('gives the same hash whatever the key order of details', () => {
    const reordered = { ...event, details: { a: [2, { c: 4, d: 3 }], b: 1 } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, event));
  });

  it('changes the hash when any field or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, event);
    expect(chainHash('1'.repeat(64), event)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, outcome: 'failure' })).not.toBe(base);
    expect(
      chainHash(GENESIS_HASH, { ...event, details: { b: 2, a: [2, { d: 3, c: 4 }] } }),
    ).not.toBe(base);
    expect(
      chainHash(GENESIS_HASH, { ...event, occurredAt: new Date('2026-01-02T03:04:05.679Z') }),
    ).not.toBe(base);
  });

  it('computes HMAC-SHA-256 from the pads exactly as the database does', () => {
    const { key } = deriveChainKey(Buffer.alloc(32, 7));
    const { inner, outer } = hmacPads(key);
    const message = Buffer.from(`${GENESIS_HASH}\n${canonicalEvent(event)}`, 'utf8');
    const innerHash = createHash('sha256').update(inner).update(message).digest();
    const viaPads = createHash('sha256').update(outer).update(innerHash).digest('hex');
    expect(viaPads).toBe(keyedChainHash(key, GENESIS_HASH, event));
  });

  it('links differently under another key and differently from the unkeyed chain', () => {
    const a = deriveChainKey(Buffer.alloc(32, 1));
    const b = deriveChainKey(Buffer.alloc(32, 2));
    expect(a.id).not.toBe(b.id);
    expect(keyedChainHash(a.key, GENESIS_HASH, event)).not.toBe(
      keyedChainHash(b.key, GENESIS_HASH, event),
    );
    expect(keyedChainHash(a.key, GENESIS_HASH, event)).not.toBe(chainHash(GENESIS_HASH, event));
  });
});

/** The serialisation events were chained with before it was made faster: answers must not move. */
function entriesCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(entriesCanonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${entriesCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}

describe('canonicalJson', () => {
  it.each([
    [{}],
    [[]],
    [{ b: 1, a: undefined, c: null, d: [undefined, null, () => 1, 'x'] }],
    [{ f: () => 1 }],
    [{ '10': 1, '9': 2, b: 3, B: 4, é: 5, '\u{1F600}': 6, '\uFF01': 7, 'a"b': 8, 'a\\b': 9 }],
    [{ at: new Date('2026-11-23T08:15:00.123Z'), nested: { z: [{ y: 1, x: 2 }], a: 'é\n\u2028' } }],
    [[1, 'two', true, false, null, 1.5e300, -0, { k: [] }]],
    ['text'],
    [42],
    [null],
    [new Date(0)],
    [Object.assign(Object.create(null) as object, { b: 1, a: 2 })],
    [new Map([['a', 1]])],
  ])('%# answers as the entries-based serialisation', (value) => {
    expect(canonicalJson(value)).toBe(entriesCanonicalJson(value));
  });
});
