import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createPurpose, purposeKey } from './support/consent-fixtures';
import { createApiKey, createUser } from './support/factories';
import { adminToken, BOOTSTRAP_ADMIN, createTestApp, TestApp } from './support/test-app';

/** Empty values fall back to the defaults the service ships with. */
const SHIPPED_LIMITS = {
  RATE_LIMIT_API_KEY_DEFAULT: '',
  RATE_LIMIT_USER_PER_MINUTE: '',
  RATE_LIMIT_ANONYMOUS_PER_IP: '',
  RATE_LIMIT_LOGIN_PER_IP: '',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '',
  RATE_LIMIT_PUBLIC_PER_IP: '',
};

/** Runs `n` calls, `concurrency` at a time, and returns their statuses. */
async function statuses(
  n: number,
  concurrency: number,
  call: (i: number) => Promise<Response>,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => call(i + j));
    for (const res of await Promise.all(batch)) {
      await res.arrayBuffer();
      out.push(res.status);
    }
  }
  return out;
}

// Thousands of requests and password checks: slow on a busy machine, not a timing assertion.
jest.setTimeout(240_000);

describe('rate limits with the shipped defaults', () => {
  let t: TestApp;
  let setup: TestApp;
  let admin: string;
  let base: string;

  /** A real connection per caller (keep-alive), as a product backend would call. */
  const get = (path: string, headers: Record<string, string>): Promise<Response> =>
    fetch(`${base}${path}`, { headers });

  beforeAll(async () => {
    // Counters of its own, and addresses from X-Forwarded-For so each test is its own client.
    t = await createTestApp({
      ...SHIPPED_LIMITS,
      TRUST_PROXY: 'true',
      WORKERS: 'false',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}:limits-${randomUUID().slice(0, 8)}`,
    });
    // Fixtures come through an instance with the lax test limits, so they spend none of the budget.
    setup = await createTestApp({ WORKERS: 'false' });
    admin = await adminToken(setup.http);
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
  });
  afterAll(async () => {
    await t?.close();
    await setup?.close();
  });

  const address = (): string => `198.51.100.${1 + (randomBytes(1)[0] % 250)}`;

  it('lets a product backend run 2,000 consent checks in a burst without a 429', async () => {
    const { key } = await createApiKey(setup.http, admin, ['consent:read', 'consent:write']);
    const purpose = purposeKey('burst');
    await createPurpose(setup.http, admin, { key: purpose, legalBasis: 'consent' });
    const from = address();
    const answers = await statuses(2000, 16, (i) =>
      get(`/v1/consents/check?subjectId=burst-${i % 50}%40example.test&purpose=${purpose}`, {
        'X-Forwarded-For': from,
        Authorization: `Bearer ${key}`,
      }),
    );
    expect(answers.filter((s) => s !== 200)).toEqual([]);
  });

  it('makes made-up tokens from one address share one small budget, answered 429 with Retry-After', async () => {
    const from = address();
    const answers = await statuses(80, 8, (i) =>
      get('/v1/consents/check?subjectId=x%40example.test&purpose=p', {
        'X-Forwarded-For': from,
        Authorization: `Bearer ${i % 2 === 0 ? 'psk_' : 'eyJ'}${randomBytes(24).toString('base64url')}`,
      }),
    );
    expect(answers.filter((s) => s === 401)).toHaveLength(60);
    expect(answers.filter((s) => s === 429)).toHaveLength(20);
    const refused = await request(t.http)
      .get('/v1/auth/whoami')
      .set('X-Forwarded-For', from)
      .set('Authorization', `Bearer psk_${randomBytes(24).toString('base64url')}`)
      .expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('keeps a valid key working from an address whose anonymous budget is spent', async () => {
    const from = address();
    await statuses(61, 8, () => get('/v1/auth/whoami', { 'X-Forwarded-For': from }));
    await request(t.http).get('/v1/auth/whoami').set('X-Forwarded-For', from).expect(429);
    const { key } = await createApiKey(setup.http, admin, ['dlp:scan']);
    await request(t.http)
      .get('/v1/auth/whoami')
      .set('X-Forwarded-For', from)
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
  });

  it('never slows down an admin who logs in successfully again and again', async () => {
    const from = address();
    for (let i = 0; i < 8; i += 1) {
      await request(t.http)
        .post('/v1/auth/login')
        .set('X-Forwarded-For', from)
        .send(BOOTSTRAP_ADMIN)
        .expect(200);
    }
  });

  it('slows failed logins on an account with growing delays, then lets the right password in', async () => {
    const user = await createUser(setup.http, admin, ['auditor']);
    const from = address();
    const attempt = (password: string) =>
      request(t.http)
        .post('/v1/auth/login')
        .set('X-Forwarded-For', from)
        .send({ email: user.email, password });
    for (let i = 0; i < 5; i += 1) {
      await attempt(`wrong-${i}`).expect(401);
    }
    const slowed = await attempt('wrong-6').expect(429);
    expect(slowed.headers['content-type']).toContain('application/problem+json');
    const wait = Number(slowed.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    await attempt(user.password).expect(200);
  });

  it("does not hold an account's failures against an address its owner logged in from", async () => {
    const user = await createUser(setup.http, admin, ['auditor']);
    const home = address();
    await request(t.http)
      .post('/v1/auth/login')
      .set('X-Forwarded-For', home)
      .send({ email: user.email, password: user.password })
      .expect(200);
    const stranger = address();
    for (let i = 0; i < 7; i += 1) {
      const res = await request(t.http)
        .post('/v1/auth/login')
        .set('X-Forwarded-For', stranger)
        .send({ email: user.email, password: `guess-${i}` });
      expect([401, 429]).toContain(res.status);
    }
    await request(t.http)
      .post('/v1/auth/login')
      .set('X-Forwarded-For', stranger)
      .send({ email: user.email, password: 'guess-again' })
      .expect(429);
    await request(t.http)
      .post('/v1/auth/login')
      .set('X-Forwarded-For', home)
      .send({ email: user.email, password: user.password })
      .expect(200);
  });

  it('slows an address that fails against many accounts', async () => {
    const from = address();
    const answers: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      answers.push(
        (
          await request(t.http)
            .post('/v1/auth/login')
            .set('X-Forwarded-For', from)
            .send({ email: `nobody-${i}-${randomUUID().slice(0, 6)}@example.test`, password: 'x' })
        ).status,
      );
    }
    expect(answers.slice(0, 20)).toEqual(Array<number>(20).fill(401));
    expect(answers[20]).toBe(429);
  });
});
