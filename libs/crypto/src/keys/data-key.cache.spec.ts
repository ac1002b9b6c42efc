import { DataKeyCache } from './data-key.cache';

describe('DataKeyCache', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('serves a key until its maximum age, then zeroes and forgets it', () => {
    const cache = new DataKeyCache({ maxAgeMs: 100, maxUses: 1_000, maxEntries: 10 }, clock);
    const key = Buffer.alloc(32, 0xab);
    cache.put('k', key);
    now += 99;
    expect(cache.take('k')).toBe(key);
    now += 1;
    expect(cache.take('k')).toBeUndefined();
    expect(key.equals(Buffer.alloc(32))).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('serves a key for at most maxUses uses, counting batch charges', () => {
    const cache = new DataKeyCache({ maxAgeMs: 60_000, maxUses: 5, maxEntries: 10 }, clock);
    const key = Buffer.alloc(32, 1);
    cache.put('k', key);
    expect(cache.take('k', 3)).toBe(key);
    expect(cache.take('k')).toBe(key);
    expect(cache.take('k', 2)).toBeUndefined();
    expect(key.every((b) => b === 0)).toBe(true);
  });

  it('evicts (and zeroes) the oldest entry when full', () => {
    const evicted: string[] = [];
    const cache = new DataKeyCache({ maxAgeMs: 60_000, maxUses: 10, maxEntries: 2 }, clock, (id) =>
      evicted.push(id),
    );
    const first = Buffer.alloc(32, 1);
    cache.put('a', first);
    cache.put('b', Buffer.alloc(32, 2));
    cache.put('c', Buffer.alloc(32, 3));
    expect(evicted).toEqual(['a']);
    expect(first.every((b) => b === 0)).toBe(true);
    expect(cache.take('a')).toBeUndefined();
    expect(cache.take('c')?.[0]).toBe(3);
  });

  it('zeroes a replaced key and everything on clear', () => {
    const cache = new DataKeyCache({ maxAgeMs: 60_000, maxUses: 10, maxEntries: 10 }, clock);
    const old = Buffer.alloc(32, 9);
    const next = Buffer.alloc(32, 8);
    cache.put('k', old);
    cache.put('k', next);
    expect(old.every((b) => b === 0)).toBe(true);
    cache.clear();
    expect(next.every((b) => b === 0)).toBe(true);
  });
});
