import request from 'supertest';
import { createApiKey } from './support/factories';
import { CuttableProxy } from './support/cuttable-proxy';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(90000);

/** PostgreSQL away: callers are told to come back later, never that the service broke. */
describe('dependency outages', () => {
  let proxy: CuttableProxy;
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    const db = new URL(process.env.DATABASE_URL ?? '');
    proxy = new CuttableProxy(db.hostname, Number(db.port || 5432));
    db.port = String(await proxy.start());
    db.hostname = '127.0.0.1';
    t = await createTestApp({ DATABASE_URL: db.toString(), WORKERS: 'false' });
    key = (
      await createApiKey(t.http, await adminToken(t.http), ['requests:write', 'consent:write'])
    ).key;
  });
  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.cut();
  });

  it('intake answers 503 problem+json with Retry-After while PostgreSQL is down, and 201 once it is back', async () => {
    await proxy.cut();
    try {
      const res = await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'access', subject: { email: 'outage@example.test' } });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toMatchObject({ status: 503, type: '/problems/service-unavailable' });
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|outage@/);
    } finally {
      await proxy.restore();
    }
    await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'access', subject: { email: 'outage@example.test' } })
      .expect(201);
  });
});
