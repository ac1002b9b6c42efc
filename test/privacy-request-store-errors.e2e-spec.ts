import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { withDatabase } from './setup/services';
import { createApiKey } from './support/factories';
import { mysqlReadOnlyUser, postgresReadOnlyUser, ReadOnlyUser } from './support/read-only-users';
import { createShop, SHOP_COLLECTIONS, shopCustomer, ShopFixture } from './support/shop-fixture';
import { exitOf, freePort, spawnEntry } from './support/spawn-service';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(240000);

const TAG = 'serr';

interface View {
  status: string;
  tasks: Array<{ dataStore: string; status: string; attempts: number; detail?: string }>;
}

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
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Store failures as the worker meets them on real servers: a login that may only read fails an
 * erasure at once with a reason naming table, kind and code; a deadlock is retried. The app and
 * the worker run on their own database so the stores registered here join no other file's
 * requests; the worker is a real process so its warn lines can be read.
 */
describe('privacy request store errors', () => {
  const suffix = randomBytes(4).toString('hex');
  const database = `privacy_e2e_storeerr_${suffix}`;
  const adminUrl = withDatabase(process.env.DATABASE_URL ?? '', 'postgres');
  const isolated = {
    DATABASE_URL: withDatabase(process.env.DATABASE_URL ?? '', database),
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}:store-errors-${suffix}`,
  };
  let t: TestApp;
  let shop: ShopFixture;
  let worker: ChildProcess;
  let output = '';
  let token = '';
  let key = '';
  const users: ReadOnlyUser[] = [];

  const query = async <R>(text: string, params: unknown[] = []): Promise<R[]> => {
    const c = new Client({ connectionString: isolated.DATABASE_URL });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as R[];
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    t = await createTestApp({ ...isolated, DB_MIGRATE: 'true', WORKERS: 'false' });
    token = await adminToken(t.http);
    key = (await createApiKey(t.http, token, ['requests:write', 'requests:read'])).key;
    shop = await createShop({ customers: 6, orders: 2, items: 2 }, TAG);
    worker = spawnEntry('worker', {
      ...isolated,
      DB_MIGRATE: 'false',
      WORKERS: 'true',
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
    });
    worker.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  });

  afterAll(async () => {
    // Every step runs even when one before it fails: roles and users outlive their databases.
    const steps: Array<() => Promise<unknown>> = [
      async () => {
        worker?.kill('SIGTERM');
        await exitOf(worker, 20000).catch(() => worker.kill('SIGKILL'));
      },
      async () => t?.close(),
      ...users.map((u) => () => u.drop()),
      async () => shop?.drop(),
      async () => {
        const admin = new Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await admin.end();
      },
    ];
    const failed: unknown[] = [];
    for (const step of steps) {
      await step().catch((e: unknown) => failed.push(e));
    }
    if (failed.length > 0) {
      throw failed[0];
    }
  });

  async function withStore<T>(
    name: string,
    type: 'postgres' | 'mysql',
    url: string,
    run: () => Promise<T>,
  ): Promise<T> {
    const created = await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({ name, type, connection: { url }, collections: SHOP_COLLECTIONS })
      .expect(201);
    try {
      return await run();
    } finally {
      await request(t.http)
        .delete(`/v1/data-stores/${created.body.id as string}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(204);
    }
  }

  const fileErasure = async (email: string): Promise<string> =>
    (
      await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'erasure', subject: { email } })
        .expect(201)
    ).body.id as string;

  const settle = (id: string): Promise<View> =>
    waitFor(async () => {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      const view = res.body as View;
      return ['completed', 'failed', 'rejected'].includes(view.status) ? view : undefined;
    }, 120000);

  const taskIdOf = async (requestId: string): Promise<string> =>
    (
      await query<{ id: string }>('SELECT id FROM privacy_request_tasks WHERE request_id = $1', [
        requestId,
      ])
    )[0].id;

  const failureEvents = (requestId: string) =>
    query<{ action: string; outcome: string; actor_type: string; reason: string }>(
      `SELECT action, outcome, actor_type, details->>'reason' AS reason FROM audit_events
        WHERE target_type = 'privacy_request' AND target_id = $1
          AND action IN ('privacy_request.failed', 'privacy_request.task_failed')
        ORDER BY seq`,
      [requestId],
    );

  /** The worker's warn line about one task, parsed. */
  const warnLineOf = (taskId: string): Promise<Record<string, unknown>> =>
    waitFor(async () => {
      const line = output.split('\n').find((l) => l.includes(taskId));
      return Promise.resolve(line ? (JSON.parse(line) as Record<string, unknown>) : undefined);
    }, 10000);

  const SHOP_TABLE = '(customers|orders|order_items|addresses|support_tickets)';

  it('on PostgreSQL, an erasure by a read-only login fails on its first attempt, naming table, permission denied and 42501', async () => {
    const ro = await postgresReadOnlyUser(shop.postgresUrl);
    users.push(ro);
    const k = shopCustomer(1, TAG);
    await withStore('ro-postgres', 'postgres', ro.url, async () => {
      const id = await fileErasure(k.email);
      const done = await settle(id);
      expect(done.status).toBe('failed');
      expect(done.tasks).toHaveLength(1);
      const [task] = done.tasks;
      expect([task.status, task.attempts]).toEqual(['failed', 1]);
      expect(task.detail).toMatch(new RegExp(`^permission denied on ${SHOP_TABLE} \\(42501\\)$`));
      expect(await failureEvents(id)).toEqual([
        {
          action: 'privacy_request.failed',
          outcome: 'failure',
          actor_type: 'system',
          reason: task.detail,
        },
      ]);
      const taskId = await taskIdOf(id);
      const line = await warnLineOf(taskId);
      expect(line.level).toBe(40);
      expect(String(line.msg)).toContain(id);
      expect(String(line.msg)).toContain(task.detail);
      expect(output).not.toContain(k.email);
    });
  });

  it('on MariaDB, an erasure by a read-only login fails on its first attempt, naming table, permission denied and 1142', async () => {
    const ro = await mysqlReadOnlyUser(shop.mysqlUrl);
    users.push(ro);
    const k = shopCustomer(2, TAG);
    await withStore('ro-mysql', 'mysql', ro.url, async () => {
      const id = await fileErasure(k.email);
      const done = await settle(id);
      expect(done.status).toBe('failed');
      const [task] = done.tasks;
      expect([task.status, task.attempts]).toEqual(['failed', 1]);
      expect(task.detail).toMatch(new RegExp(`^permission denied on ${SHOP_TABLE} \\(1142\\)$`));
      expect(await failureEvents(id)).toEqual([
        {
          action: 'privacy_request.failed',
          outcome: 'failure',
          actor_type: 'system',
          reason: task.detail,
        },
      ]);
      const line = await warnLineOf(await taskIdOf(id));
      expect(line.level).toBe(40);
      expect(output).not.toContain(k.email);
    });
  });

  it('on PostgreSQL, an erasure that loses a deadlock is retried and completes', async () => {
    const k = shopCustomer(3, TAG);
    const shopDb = new URL(shop.postgresUrl).pathname.slice(1);
    const holder = new Client({ connectionString: shop.postgresUrl });
    const monitor = new Client({ connectionString: shop.postgresUrl });
    await holder.connect();
    await monitor.connect();
    try {
      // PostgreSQL's victim is the waiter whose deadlock_timeout runs out first: the erasure's
      // (3 s) must, whatever the load, so the holder's is far longer.
      const storeUrl = `${shop.postgresUrl}?options=${encodeURIComponent('-c deadlock_timeout=3000')}`;
      await holder.query(`SET deadlock_timeout = '60s'`);
      await withStore('rw-postgres', 'postgres', storeUrl, async () => {
        // The holder shares the customer's row: the erasure deletes the orders, then waits to
        // update the customer; the holder then asks for those orders and closes the cycle.
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM customers WHERE id = $1 FOR SHARE', [k.id]);
        const id = await fileErasure(k.email);
        await waitFor(async () => {
          const [row] = (
            await monitor.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = $1 AND application_name = 'privacy-service-connector'
                  AND wait_event_type = 'Lock'`,
              [shopDb],
            )
          ).rows;
          return row.n > 0 ? true : undefined;
        }, 60000);
        await holder.query('UPDATE orders SET total = total WHERE customer_id = $1', [k.id]);
        await holder.query('ROLLBACK');
        const done = await settle(id);
        expect(done.status).toBe('completed');
        const [task] = done.tasks;
        // Run again at once, within the same attempt.
        expect([task.status, task.attempts]).toEqual(['completed', 1]);
        expect(task.detail).toMatch(/^erased \d+ rows$/);
        const line = await warnLineOf(await taskIdOf(id));
        expect(String(line.msg)).toMatch(new RegExp(`deadlock on ${SHOP_TABLE} \\(40P01\\)`));
        expect(String(line.msg)).toContain('retried');
        expect(await failureEvents(id)).toEqual([]);
      });
    } finally {
      await holder.end();
      await monitor.end();
    }
  });

  it('on MariaDB, an erasure that loses a deadlock is retried and completes', async () => {
    const k = shopCustomer(4, TAG);
    const shopDb = new URL(shop.mysqlUrl).pathname.slice(1);
    const holder = await createConnection({ uri: shop.mysqlUrl });
    const monitor = await createConnection({ uri: shop.mysqlUrl });
    try {
      await holder.query('CREATE TABLE ballast (id INT AUTO_INCREMENT PRIMARY KEY, pad TEXT)');
      await withStore('rw-mysql', 'mysql', shop.mysqlUrl, async () => {
        await holder.query('START TRANSACTION');
        // InnoDB rolls back the transaction that changed fewer rows: the ballast makes the
        // holder the larger one, so the erasure is the one chosen.
        await holder.query('INSERT INTO ballast (pad) VALUES ?', [
          Array.from({ length: 2000 }, () => ['x'.repeat(40)]),
        ]);
        await holder.query('SELECT id FROM customers WHERE id = ? LOCK IN SHARE MODE', [k.id]);
        const id = await fileErasure(k.email);
        await waitFor(async () => {
          const [rows] = await monitor.query(
            `SELECT count(*) AS n FROM information_schema.innodb_trx t
               JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id
              WHERE t.trx_state = 'LOCK WAIT' AND p.db = ?`,
            [shopDb],
          );
          return Number((rows as Array<{ n: number }>)[0].n) > 0 ? true : undefined;
        }, 60000);
        await holder.query('UPDATE orders SET total = total WHERE customer_id = ?', [k.id]);
        await holder.query('ROLLBACK');
        const done = await settle(id);
        expect(done.status).toBe('completed');
        const [task] = done.tasks;
        // Run again at once, within the same attempt.
        expect([task.status, task.attempts]).toEqual(['completed', 1]);
        const line = await warnLineOf(await taskIdOf(id));
        expect(String(line.msg)).toMatch(new RegExp(`deadlock on ${SHOP_TABLE} \\(1213\\)`));
        expect(await failureEvents(id)).toEqual([]);
      });
    } finally {
      await holder.end();
      await monitor.end();
    }
  });
});
