import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { withDatabase } from './setup/services';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');

/**
 * The start-up re-wrap moves EVERY keyring key onto the active root, so these apps run on their
 * own database and Redis prefix: suites running in parallel keep their keys under the default
 * MASTER_KEY the whole time.
 */
describe('Root key rotation of the local provider', () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `privacy_e2e_root_${suffix}`;
  const adminUrl = withDatabase(process.env.DATABASE_URL ?? '', 'postgres');
  const isolated = {
    DATABASE_URL: withDatabase(process.env.DATABASE_URL ?? '', database),
    DB_MIGRATE: 'true',
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_root_${suffix}`,
  };
  const alias = `rotation-${suffix}`;
  const context = { table: 'customers' };

  const sql = async (query: string, url = adminUrl): Promise<Array<Record<string, unknown>>> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(query)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };

  const withApp = async <T>(env: Record<string, string>, run: (t: TestApp) => Promise<T>) => {
    const t = await createTestApp({ ...isolated, ...env });
    try {
      return await run(t);
    } finally {
      await t.close();
    }
  };

  const decrypt = async (t: TestApp, fields: Record<string, string>) => {
    const admin = await adminToken(t.http);
    const { key } = await createApiKey(t.http, admin, ['crypto:decrypt']);
    return request(t.http)
      .post('/v1/crypto/decrypt')
      .set('Authorization', `Bearer ${key}`)
      .send({ context, fields });
  };

  const roots = async (): Promise<string[]> =>
    (
      await sql('SELECT DISTINCT root_key_id FROM keyring_keys ORDER BY 1', isolated.DATABASE_URL)
    ).map((row) => String(row.root_key_id));

  beforeAll(() => sql(`CREATE DATABASE "${database}"`));
  afterAll(() => sql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));

  it('reads keys wrapped under a retired master key and re-wraps them under the active one', async () => {
    const fields = await withApp({ MASTER_KEY: K1 }, async (a) => {
      const admin = await adminToken(a.http);
      await request(a.http)
        .post('/v1/keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ alias, provider: 'local' })
        .expect(201);
      const { key } = await createApiKey(a.http, admin, ['crypto:encrypt', 'crypto:decrypt']);
      const res = await request(a.http)
        .post('/v1/crypto/encrypt')
        .set('Authorization', `Bearer ${key}`)
        .send({ keyAlias: alias, context, fields: { email: 'jane@example.com' } })
        .expect(200);
      return (res.body as { fields: Record<string, string> }).fields;
    });
    const [rootK1] = await roots();
    expect(await roots()).toEqual([rootK1]);

    // Without the old key the data key cannot be unwrapped.
    await withApp({ MASTER_KEY: K2 }, async (b) => {
      expect((await decrypt(b, fields)).status).not.toBe(200);
    });
    expect(await roots()).toEqual([rootK1]);

    await withApp({ MASTER_KEY: K2, MASTER_KEY_PREVIOUS: K1 }, async (b) => {
      const res = await decrypt(b, fields);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ fields: { email: 'jane@example.com' } });
    });
    const [rootK2] = await roots();
    expect(rootK2).not.toBe(rootK1);
    expect(await roots()).toEqual([rootK2]);
    const events = await sql(
      `SELECT details FROM audit_events WHERE action = 'crypto.root.rewrap'`,
      isolated.DATABASE_URL,
    );
    expect(events).toHaveLength(1);
    expect(events[0].details).toEqual({ total: expect.any(Number), rewrapped: expect.any(Number) });
    const details = events[0].details as { total: number; rewrapped: number };
    expect(details.rewrapped).toBeGreaterThanOrEqual(2);
    expect(details.rewrapped).toBe(details.total);

    await withApp({ MASTER_KEY: K2 }, async (c) => {
      const res = await decrypt(c, fields);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ fields: { email: 'jane@example.com' } });
    });
  });
});
