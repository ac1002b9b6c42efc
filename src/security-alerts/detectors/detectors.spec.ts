import { deviceOf } from './device';
import { Detectors } from './detectors';
import { SecurityEvent } from './security-event';

const MIN = 60_000;
const DAY_START = Date.UTC(2026, 2, 29, 0, 0, 0); // a DST change day in Europe, for good measure

/** A small deterministic generator, so the synthetic day is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A normal day: typos, steady decrypts that rise and fall with office hours, a few downloads. */
function normalDay(): SecurityEvent[] {
  const rnd = random(42);
  const events: SecurityEvent[] = [];
  for (let i = 0; i < 40; i += 1) {
    const at = DAY_START + Math.floor(rnd() * 24 * 60) * MIN;
    const person = Math.floor(rnd() * 15);
    // Someone mistypes once or twice, then gets it right.
    for (let k = 0; k < 1 + Math.floor(rnd() * 2); k += 1) {
      events.push({
        type: 'login.failure',
        at: at + k * 5000,
        address: `203.0.113.${person}`,
        account: `acct-${person}`,
      });
    }
  }
  for (let minute = 0; minute < 24 * 60; minute += 1) {
    const office = minute >= 8 * 60 && minute < 18 * 60 ? 2 : 1;
    for (const [key, rate] of [
      ['key-a', 120],
      ['key-b', 40],
      ['key-c', 400],
    ] as const) {
      const calls = 1 + Math.floor(rnd() * 4);
      for (let c = 0; c < calls; c += 1) {
        const fields = Math.round(((rate * office) / calls) * (0.6 + rnd() * 0.8));
        events.push({
          type: 'crypto.decrypt',
          at: DAY_START + minute * MIN + c * 1000,
          keyId: key,
          fields,
        });
      }
    }
  }
  for (let i = 0; i < 12; i += 1) {
    const at = DAY_START + Math.floor(rnd() * 24 * 60) * MIN;
    events.push({
      type: 'export.download',
      at,
      address: `198.51.100.${i % 8}`,
      requestId: `req-${i}`,
    });
  }
  return events.sort((a, b) => a.at - b.at);
}

const kinds = (events: SecurityEvent[]) => new Detectors().observe(events).map((a) => a.kind);

describe('anomaly detectors', () => {
  it('raise nothing on a normal day', () => {
    expect(new Detectors().observe(normalDay())).toEqual([]);
  });

  it('see brute force from one address against one account', () => {
    const at = DAY_START + 10 * 60 * MIN;
    const attack: SecurityEvent[] = Array.from({ length: 25 }, (_, i) => ({
      type: 'login.failure',
      at: at + i * 3000,
      address: '192.0.2.0/24',
      account: 'acct-admin',
    }));
    const alerts = new Detectors().observe(attack);
    expect(alerts.map((a) => a.details.scope).sort()).toEqual(['account', 'address']);
    expect(alerts.every((a) => a.kind === 'login.failure_burst')).toBe(true);
  });

  it('see credential stuffing: one address failing across many accounts', () => {
    const attack: SecurityEvent[] = Array.from({ length: 12 }, (_, i) => ({
      type: 'login.failure',
      at: DAY_START + i * 20_000,
      address: '192.0.2.0/24',
      account: `victim-${i}`,
    }));
    const alerts = new Detectors().observe(attack);
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'login.failure_burst',
        severity: 'high',
        details: expect.objectContaining({ scope: 'accounts', accounts: 10 }),
      }),
    ]);
  });

  it('see a distributed attack on one account from many addresses', () => {
    const attack: SecurityEvent[] = Array.from({ length: 12 }, (_, i) => ({
      type: 'login.failure',
      at: DAY_START + i * 30_000,
      address: `10.${i}.0.0/24`,
      account: 'acct-admin',
    }));
    expect(new Detectors().observe(attack)).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ scope: 'account', addresses: 10 }),
      }),
    ]);
  });

  it('raise one alert per burst, not one per failure', () => {
    const attack: SecurityEvent[] = Array.from({ length: 200 }, (_, i) => ({
      type: 'login.failure',
      at: DAY_START + i * 1000,
      address: '192.0.2.0/24',
      account: 'acct-admin',
    }));
    expect(kinds(attack)).toHaveLength(2);
  });

  it('see a key decrypting far above its own baseline', () => {
    const events = normalDay().filter((e) => e.at < DAY_START + 12 * 60 * MIN);
    const at = DAY_START + 12 * 60 * MIN + 5000;
    for (let i = 0; i < 30; i += 1) {
      events.push({ type: 'crypto.decrypt', at: at + i * 100, keyId: 'key-b', fields: 1000 });
    }
    const alerts = new Detectors().observe(events);
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'crypto.decrypt_spike',
        actor: { type: 'api_key', id: 'key-b' },
      }),
    ]);
    expect(alerts[0].details.warm).toBe(true);
  });

  it('do not mistake a busy key for a spike: key-c at its usual rate stays quiet', () => {
    expect(
      kinds(normalDay().filter((e) => e.type === 'crypto.decrypt' && e.keyId === 'key-c')),
    ).toEqual([]);
  });

  it('see a new key bulk-decrypting at once', () => {
    const events: SecurityEvent[] = Array.from({ length: 20 }, (_, i) => ({
      type: 'crypto.decrypt',
      at: DAY_START + i * 1000,
      keyId: 'key-new',
      fields: 1000,
    }));
    expect(kinds(events)).toEqual(['crypto.decrypt_spike']);
  });

  it('see bulk downloads of access packages from one address and in all', () => {
    const oneAddress: SecurityEvent[] = Array.from({ length: 6 }, (_, i) => ({
      type: 'export.download',
      at: DAY_START + i * 30_000,
      address: '192.0.2.0/24',
      requestId: `req-${i}`,
    }));
    expect(new Detectors().observe(oneAddress)).toEqual([
      expect.objectContaining({
        kind: 'export.download_spike',
        details: expect.objectContaining({ scope: 'address', downloads: 5 }),
      }),
    ]);
    const everywhere: SecurityEvent[] = Array.from({ length: 30 }, (_, i) => ({
      type: 'export.download',
      at: DAY_START + i * 10_000,
      address: `10.0.${i}.0/24`,
      requestId: `req-${i}`,
    }));
    expect(new Detectors().observe(everywhere)).toEqual([
      expect.objectContaining({
        kind: 'export.download_spike',
        details: expect.objectContaining({ scope: 'overall' }),
      }),
    ]);
  });

  it('report role and API key changes', () => {
    const actor = { type: 'user', id: 'u-1' };
    const alerts = new Detectors().observe([
      {
        type: 'admin.change',
        at: DAY_START,
        action: 'admin.user.update',
        actor,
        target: { type: 'user', id: 'u-2' },
        details: { roles: ['admin'] },
      },
      {
        type: 'admin.change',
        at: DAY_START,
        action: 'admin.api_key.create',
        actor,
        target: { type: 'api_key', id: 'k-1' },
        details: { scopes: ['crypto:decrypt'] },
      },
      {
        type: 'admin.change',
        at: DAY_START,
        action: 'admin.api_key.revoke',
        actor,
        target: { type: 'api_key', id: 'k-1' },
        details: {},
      },
    ]);
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([
      ['admin.role_change', 'high'],
      ['admin.api_key_change', 'medium'],
      ['admin.api_key_change', 'low'],
    ]);
  });
});

describe('deviceOf', () => {
  const firefox = (v: string) =>
    `Mozilla/5.0 (X11; Linux x86_64; rv:${v}) Gecko/20100101 Firefox/${v}`;
  const chrome =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

  it('keeps a device across browser updates', () => {
    expect(deviceOf(firefox('132.0'), '203.0.113.0/24').id).toBe(
      deviceOf(firefox('133.0'), '203.0.113.0/24').id,
    );
    expect(deviceOf(firefox('133.0'), '203.0.113.0/24').family).toBe('Firefox on Linux');
  });

  it('tells another browser or another network apart', () => {
    const home = deviceOf(firefox('133.0'), '203.0.113.0/24').id;
    expect(deviceOf(chrome, '203.0.113.0/24').id).not.toBe(home);
    expect(deviceOf(firefox('133.0'), '198.51.100.0/24').id).not.toBe(home);
  });
});
