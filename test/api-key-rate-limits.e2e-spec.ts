import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('API keys with their own rateLimitPerMinute', () => {
  let t: TestApp;
  let setup: TestApp;
  let admin: string;

  beforeAll(async () => {
    // Counters of its own with a low default, so the budgets are quick to reach.
    t = await createTestApp({
      RATE_LIMIT_API_KEY_DEFAULT: '10',
      WORKERS: 'false',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}:key-budgets-${randomUUID().slice(0, 8)}`,
    });
    // Fixtures come through an instance with the lax test limits, so they spend none of the budget.
    setup = await createTestApp({ WORKERS: 'false' });
    admin = await adminToken(setup.http);
  });
  afterAll(async () => {
    await t?.close();
    await setup?.close();
  });

  const createKey = async (body: object): Promise<request.Response> =>
    request(setup.http)
      .post('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: `budget-${randomUUID().slice(0, 8)}`, scopes: ['dlp:scan'], ...body });

  /** Statuses of `n` calls to a cheap authenticated route. */
  const burst = async (key: string, n: number): Promise<number[]> => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i += 1) {
      statuses.push(
        (await request(t.http).get('/v1/dlp/entities').set('Authorization', `Bearer ${key}`))
          .status,
      );
    }
    return statuses;
  };

  it('a key with a higher budget goes past the default; one without stops at it', async () => {
    const generous = ((await createKey({ rateLimitPerMinute: 30 })).body as { key: string }).key;
    const plain = ((await createKey({})).body as { key: string }).key;
    expect(await burst(generous, 25)).not.toContain(429);
    const limited = await burst(plain, 12);
    expect(limited.slice(0, 10)).not.toContain(429);
    expect(limited.slice(10)).toEqual([429, 429]);
  });

  it('a key with a lower budget is stopped at its own budget, with Retry-After', async () => {
    const strict = ((await createKey({ rateLimitPerMinute: 3 })).body as { key: string }).key;
    expect(await burst(strict, 4)).toEqual([200, 200, 200, 429]);
    const blocked = await request(t.http)
      .get('/v1/dlp/entities')
      .set('Authorization', `Bearer ${strict}`)
      .expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('shows the budget on creation and in the listing, null for the default', async () => {
    const created = await createKey({ rateLimitPerMinute: 120000 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ rateLimitPerMinute: 120000, keyAliases: null });
    const list = await request(setup.http)
      .get('/v1/admin/api-keys')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const items = (list.body as { items: Array<{ id: string; rateLimitPerMinute: unknown }> })
      .items;
    expect(
      items.find((k) => k.id === (created.body as { id: string }).id)?.rateLimitPerMinute,
    ).toBe(120000);
    expect(items.some((k) => k.rateLimitPerMinute === null)).toBe(true);
  });

  it('rejects a budget that is not a positive whole number with 400', async () => {
    for (const rateLimitPerMinute of [0, -5, 1.5, '100', 10_000_001]) {
      expect((await createKey({ rateLimitPerMinute })).status).toBe(400);
    }
  });
});
