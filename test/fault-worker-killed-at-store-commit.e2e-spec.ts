import type { ChildProcess } from 'node:child_process';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { createFkShop, FK_COLLECTIONS, fkEmail, FkShop } from './support/fk-shop-fixture';
import { killAll, until, viewRequest } from './support/http-store-service';
import { ownDatabase } from './support/own-database';
import { spawnEntry } from './support/spawn-service';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(300000);

const TAG = 'sc';
/**
 * Customers 1 and 3 are erased through the crashes, 5 without one; 2, 4 and 6 are bystanders.
 * Each customer is referred by the next, so every erased one unlinks a bystander alike.
 */
const CUSTOMERS = 6;

interface View {
  status: string;
  tasks: Array<{ dataStore: string; status: string; detail?: string }>;
}

/**
 * Worker processes SIGKILL themselves at the two edges of an erasure's commit in PostgreSQL and
 * MariaDB stores (PRIVACY_TEST_CRASH_AT): just after the store committed, before the task is
 * recorded anywhere, and just before the commit, its write-ahead record made. The reruns find
 * nothing left (or an erasure rolled back) and still record what the erasure really did: the
 * same counts as an erasure of a customer shaped alike that no crash interrupted.
 */
describe('a worker killed at the commit of an erasure', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let shop: FkShop;
  let api: TestApp;
  let workers: TestApp | undefined;
  let token: string;
  let key: string;
  let env: Record<string, string>;
  const spawned: ChildProcess[] = [];

  beforeAll(async () => {
    own = await ownDatabase('store_commit');
    shop = await createFkShop(CUSTOMERS, TAG);
    api = await createTestApp({ ...own.env, WORKERS: 'false', LOG_LEVEL: 'silent' });
    env = { ...own.env, DB_MIGRATE: 'false', TS_NODE_SWC: 'true' };
    token = await adminToken(api.http);
    key = (await createApiKey(api.http, token, ['requests:write', 'requests:read'])).key;
    for (const [name, type, url] of [
      ['shop-pg', 'postgres', shop.postgresUrl],
      ['shop-maria', 'mysql', shop.mysqlUrl],
    ]) {
      await request(api.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${token}`)
        .send({ name, type, connection: { url }, collections: FK_COLLECTIONS })
        .expect(201);
    }
  }, 120000);

  afterAll(async () => {
    killAll(spawned);
    await workers?.close();
    await api?.close();
    await shop?.drop();
    await own?.drop();
  });

  const file = async (customer: number): Promise<string> =>
    (
      await request(api.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'erasure', subject: { email: fkEmail(customer, TAG) } })
        .expect(201)
    ).body.id as string;

  const view = (id: string): Promise<View> => viewRequest<View>(api.http, key, id);

  const completed = (id: string): Promise<View> =>
    until(async () => {
      const v = await view(id);
      return v.status === 'completed' ? v : undefined;
    }, 180000);

  /** Each task's detail by its store's name. */
  const details = (v: View): Record<string, string | undefined> =>
    Object.fromEntries(v.tasks.map((t) => [t.dataStore, t.detail]));

  /** Tasks of `ids` that wrote ahead and are not recorded: the state a crash left. */
  const pendingTasks = async (ids: string[]): Promise<number> => {
    const c = new Client({ connectionString: own.env.DATABASE_URL });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(
        `SELECT count(*) AS n FROM privacy_request_tasks
          WHERE request_id = ANY($1) AND pending_outcome IS NOT NULL AND status <> 'completed'`,
        [ids],
      );
      return Number(r.rows[0].n);
    } finally {
      await c.end();
    }
  };

  /** A worker process that kills itself at `point` of the first erasure reaching it. */
  const crashAt = (point: 'after-store-commit' | 'before-store-commit'): Promise<string | null> => {
    const worker = spawnEntry('worker', {
      ...env,
      LOG_LEVEL: 'silent',
      PRIVACY_TEST_CRASH_AT: point,
    });
    spawned.push(worker);
    return new Promise((resolve) => worker.once('exit', (_code, signal) => resolve(signal)));
  };

  it('records what each erasure did, once, whichever side of the commit it died on', async () => {
    const ids = [await file(1), await file(3)];
    expect(await crashAt('after-store-commit')).toBe('SIGKILL');
    // The gap itself: an erasure committed in its store, its task not recorded.
    expect(await pendingTasks(ids)).toBeGreaterThan(0);
    expect(await crashAt('before-store-commit')).toBe('SIGKILL');

    workers = await createTestApp({ ...env, LOG_LEVEL: 'silent' });
    const crashed = await Promise.all(ids.map(completed));
    const control = await completed(await file(5));
    expect(details(control)).toEqual({
      'shop-pg': expect.stringMatching(/^erased [1-9]\d* rows$/),
      'shop-maria': expect.stringMatching(/^erased [1-9]\d* rows$/),
    });
    for (const v of crashed) {
      expect(details(v)).toEqual(details(control));
    }

    const pg = new Client({ connectionString: shop.postgresUrl });
    await pg.connect();
    const maria = await createConnection({ uri: shop.mysqlUrl });
    try {
      const pgLeft = await pg.query<{ id: number }>('SELECT id FROM customers ORDER BY id');
      const [mariaLeft] = await maria.query('SELECT id FROM customers ORDER BY id');
      expect(pgLeft.rows.map((r) => r.id)).toEqual([2, 4, 6]);
      expect((mariaLeft as Array<{ id: number }>).map((r) => r.id)).toEqual([2, 4, 6]);
    } finally {
      await pg.end();
      await maria.end();
    }

    const verified = await request(api.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(verified.body).toEqual(expect.objectContaining({ ok: true }));
  });
});
