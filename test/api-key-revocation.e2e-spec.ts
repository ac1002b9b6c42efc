import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

/** Two API instances on one database and one Redis prefix, as a scaled-out deployment runs. */
describe('API key revocation across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: string;

  beforeAll(async () => {
    const shared = {
      WORKERS: 'false',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}:revocation-${randomUUID().slice(0, 8)}`,
    };
    a = await createTestApp(shared);
    b = await createTestApp(shared);
    admin = await adminToken(a.http);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const check = (app: TestApp, key: string) =>
    request(app.http)
      .get('/v1/consents/check')
      // An unknown purpose (404) needs the key to be accepted first, and reads no consent.
      .query({ subjectId: 'revocation@example.test', purpose: 'no-such-purpose' })
      .set('Authorization', `Bearer ${key}`);

  it('refuses a key revoked on one instance on the other, well before its cache entry ages out', async () => {
    const key = await createApiKey(a.http, admin, ['consent:read']);
    // The other instance now holds the key in its in-process cache (trusted for 30 s).
    expect((await check(b, key.key)).status).toBe(404);
    const revokedAt = Date.now();
    await request(a.http)
      .delete(`/v1/admin/api-keys/${key.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);
    expect((await check(a, key.key)).status).toBe(401);
    let status = 0;
    while (status !== 401 && Date.now() - revokedAt < 20_000) {
      status = (await check(b, key.key)).status;
      await new Promise((r) => setTimeout(r, status === 401 ? 0 : 50));
    }
    expect(status).toBe(401);
  });
});
