import request from 'supertest';
import { createApiKey, uniqueEmail } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('rate limits', () => {
  let t: TestApp;
  let setup: TestApp;

  beforeAll(async () => {
    // Counters of its own: its low limits would otherwise block the other suites' shared ones.
    t = await createTestApp({
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '3',
      RATE_LIMIT_DEFAULT: '20',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}:strict-limits`,
    });
    // Fixtures come through an instance with the lax test limits, so they spend none of the budget.
    setup = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    await setup.close();
  });

  it('stops brute force on one account with 429 and Retry-After', async () => {
    const email = uniqueEmail('victim');
    for (let i = 0; i < 3; i += 1) {
      await request(t.http)
        .post('/v1/auth/login')
        .send({ email, password: `guess-${i}` })
        .expect(401);
    }
    const blocked = await request(t.http)
      .post('/v1/auth/login')
      .send({ email, password: 'guess-4' })
      .expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.headers['content-type']).toContain('application/problem+json');
    // Another account from the same address is not blocked by this one.
    await request(t.http)
      .post('/v1/auth/login')
      .send({ email: uniqueEmail('other'), password: 'x' })
      .expect(401);
  });

  it('limits each caller separately', async () => {
    // The default limit is per credential: two keys each get their own budget.
    const admin = await adminToken(setup.http);
    const a = await createApiKey(setup.http, admin, ['dlp:scan']);
    const b = await createApiKey(setup.http, admin, ['dlp:scan']);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) {
      statuses.push(
        (await request(t.http).get('/v1/audit/events').set('Authorization', `Bearer ${a.key}`))
          .status,
      );
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    await request(t.http)
      .get('/v1/audit/events')
      .set('Authorization', `Bearer ${b.key}`)
      .expect(403);
  });
});
