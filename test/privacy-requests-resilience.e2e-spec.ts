import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import {
  createShop,
  deleteAllStores,
  registerShopStores,
  shopCustomer,
  ShopFixture,
} from './support/shop-fixture';
import { exitOf, freePort, spawnEntry, spawnRedis } from './support/spawn-service';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(240000);

const TAG = 'res';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('privacy request resilience', () => {
  let shop: ShopFixture;
  const store = new TestHttpStore('http-store-signing-secret-0789');
  let storeUrl: string;
  const exportDir = mkdtempSync(join(tmpdir(), 'dsr-res-'));
  // Only this file's worker may take these jobs: another app's would hide a killed worker, and
  // its sweeper would process a request while this test keeps Redis away.
  let own: Awaited<ReturnType<typeof ownDatabase>>;

  beforeAll(async () => {
    shop = await createShop({ customers: 4, orders: 2, items: 2 }, TAG);
    own = await ownDatabase('dsr_resilience');
    storeUrl = await store.start();
    for (let i = 1; i <= 4; i++) {
      store.seed(shopCustomer(i, TAG).email);
    }
  });
  afterAll(async () => {
    await store.stop();
    await shop?.drop();
    await own?.drop();
  });

  async function register(t: TestApp): Promise<{ token: string; key: string }> {
    const token = await adminToken(t.http);
    const list = await request(t.http)
      .get('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    if ((list.body.items as unknown[]).length === 0) {
      await registerShopStores(t, token, shop, { url: storeUrl, secret: store.secret });
    }
    const key = (await createApiKey(t.http, token, ['requests:write', 'requests:read'])).key;
    return { token, key };
  }

  const statusOf = async (t: TestApp, key: string, id: string) =>
    (
      await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200)
    ).body as {
      status: string;
      tasks: Array<{ dataStore: string; status: string; attempts: number; detail?: string }>;
      events: Array<{ action: string }>;
    };

  it('a worker killed with SIGKILL mid-erasure is replaced and the request completes, nothing done twice', async () => {
    const t = await createTestApp({ ...own.env, WORKERS: 'false', EXPORT_DIR: exportDir });
    const { key } = await register(t);
    const env = {
      ...own.env,
      WORKERS: 'true',
      LOG_LEVEL: 'warn',
      EXPORT_DIR: exportDir,
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      PORT: String(await freePort()),
    };
    let worker: ChildProcess = spawnEntry('worker', env);
    const k = shopCustomer(1, TAG);
    let killed = false;
    store.onCall = async (call) => {
      if (call.type === 'erasure' && !killed) {
        killed = true;
        worker.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    try {
      const created = await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'erasure', subject: { email: k.email } })
        .expect(201);
      await waitFor(async () => (killed ? true : undefined), 90000);
      await exitOf(worker, 10000).catch(() => null);
      worker = spawnEntry('worker', env);
      const done = await waitFor(async () => {
        const s = await statusOf(t, key, created.body.id as string);
        return ['completed', 'failed'].includes(s.status) ? s : undefined;
      }, 120000);
      expect(done.status).toBe('completed');
      expect(done.events.filter((e) => e.action === 'privacy_request.completed')).toHaveLength(1);
      // The SQL stores erased the subject's rows in one transaction each: counts are the real
      // ones (a rerun after commit would have found nothing and said 0).
      for (const name of ['shop-postgres', 'shop-mysql']) {
        expect(done.tasks.find((x) => x.dataStore === name)?.detail).toBe('erased 11 rows');
      }
      const pg = new Client({ connectionString: shop.postgresUrl });
      await pg.connect();
      const row = (
        await pg.query<{ email: string }>('SELECT email FROM customers WHERE id = $1', [k.id])
      ).rows[0];
      await pg.end();
      expect(row.email).toMatch(/^h:[0-9a-f]{32}$/);
      const erasureCalls = store.calls.filter(
        (c) => c.type === 'erasure' && c.requestId === created.body.id,
      );
      expect(erasureCalls.length).toBeGreaterThanOrEqual(1);
      expect(store.records.has(k.email)).toBe(false);
    } finally {
      store.onCall = () => Promise.resolve();
      await deleteAllStores(t, await adminToken(t.http));
      worker.kill('SIGTERM');
      await exitOf(worker, 20000).catch(() => worker.kill('SIGKILL'));
      await t.close();
    }
  });

  it('a request committed while Redis is unreachable completes once Redis is back', async () => {
    const port = await freePort();
    const startRedis = (): ChildProcess => spawnRedis(port);
    let redis = startRedis();
    await new Promise((r) => setTimeout(r, 500));
    const t = await createTestApp({
      ...own.env,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      EXPORT_DIR: exportDir,
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
    });
    try {
      const { key } = await register(t);
      redis.kill('SIGKILL');
      await exitOf(redis, 5000);
      const k = shopCustomer(2, TAG);
      const created = await Promise.race([
        request(t.http)
          .post('/v1/privacy-requests')
          .set('Authorization', `Bearer ${key}`)
          .send({ type: 'access', subject: { email: k.email } }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the API waited for Redis')), 8000),
        ),
      ]);
      expect(created.status).toBe(201);
      await new Promise((r) => setTimeout(r, 2000));
      const db = new Client({ connectionString: t.config.databaseUrl });
      await db.connect();
      const stored = await db.query<{ status: string }>(
        'SELECT status FROM privacy_requests WHERE id = $1',
        [created.body.id],
      );
      await db.end();
      expect(stored.rows[0].status).toBe('queued');
      redis = startRedis();
      const done = await waitFor(async () => {
        const s = await statusOf(t, key, created.body.id);
        return ['completed', 'failed'].includes(s.status) ? s : undefined;
      }, 60000);
      expect(done.status).toBe('completed');
    } finally {
      // Closing the queues needs Redis; bring it back if the test stopped while it was away.
      if (redis.exitCode !== null || redis.signalCode !== null) {
        redis = startRedis();
      }
      await deleteAllStores(t, await adminToken(t.http));
      await t.close();
      redis.kill('SIGKILL');
    }
  });
});
