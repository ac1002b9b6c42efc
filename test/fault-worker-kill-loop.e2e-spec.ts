import AdmZip from 'adm-zip';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { createFkShop, FK_COLLECTIONS, fkEmail, FkShop } from './support/fk-shop-fixture';
import { TestHttpStore } from './support/http-store';
import { killAll, spawnWorker, until } from './support/http-store-service';
import { ownDatabase } from './support/own-database';
import { exitOf } from './support/spawn-service';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(420000);

const TAG = 'kl';
const KILLS = 10;
/** Requests filed before each kill, alternating erasure and access: work never runs out. */
const PER_WAVE = 3;
const CUSTOMERS = KILLS * PER_WAVE;
/** Customers no request names: nothing of theirs may change. */
const BYSTANDERS = [CUSTOMERS + 1, CUSTOMERS + 2];

interface View {
  status: string;
  tasks: Array<{ dataStore: string; status: string }>;
}

interface Filed {
  type: 'erasure' | 'access';
  customer: number;
  id: string;
}

/**
 * Worker processes are SIGKILLed again and again while requests over a shop with foreign keys
 * and an HTTP backend run (each kill while a backend call is in flight): every request
 * completes, the backend erases each subject once, the shop loses exactly the erased
 * customers, every access package matches its checksums, and the audit chain verifies.
 */
describe('workers killed again and again mid-run', () => {
  const crm = new TestHttpStore('kill-loop-store-secret-0001');
  const exportDir = mkdtempSync(join(tmpdir(), 'kill-loop-exports-'));
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let shop: FkShop;
  let api: TestApp;
  let token: string;
  let key: string;
  let env: Record<string, string>;
  /** Workers that said they are ready, oldest first; every process ever started. */
  const ready: ChildProcess[] = [];
  const started: ChildProcess[] = [];
  let starting = 0;
  const spawnFailures: unknown[] = [];
  let inFlight = 0;
  /** Backend erasures that found the subject's records, per e-mail. */
  const erasedBy = new Map<string, number>();

  /** Starts a worker process in the background; it joins `ready` once it says so. */
  const startWorker = (): void => {
    starting++;
    const child = spawnWorker(env, 240000, (p) => started.push(p));
    void child
      .then(
        (w) => ready.push(w),
        (e: unknown) => spawnFailures.push(e),
      )
      .finally(() => starting--);
  };

  beforeAll(async () => {
    own = await ownDatabase('kill_loop');
    env = {
      ...own.env,
      PUBLIC_BASE_URL: 'http://privacy.example.test',
      EXPORT_DIR: exportDir,
      // No task is given up for its kills here: each is redone until it completes.
      PRIVACY_TASK_STALL_LIMIT: '49',
      PRIVACY_RECONCILE_INTERVAL_MS: '2000',
      // Twelve worker processes start in this test: SWC compiles them faster than tsc.
      TS_NODE_SWC: 'true',
    };
    // The first two start (and migrate, under their lock) while the rest is set up.
    startWorker();
    startWorker();
    shop = await createFkShop(CUSTOMERS + BYSTANDERS.length, TAG);
    const crmUrl = await crm.start();
    api = await createTestApp({ ...env, WORKERS: 'false', LOG_LEVEL: 'silent' });
    token = await adminToken(api.http);
    key = (await createApiKey(api.http, token, ['requests:write', 'requests:read'])).key;
    for (const body of [
      {
        name: 'shop',
        type: 'postgres',
        connection: { url: shop.postgresUrl },
        collections: FK_COLLECTIONS,
      },
      {
        name: 'crm',
        type: 'http',
        connection: { url: crmUrl, secret: crm.secret },
        collections: [],
      },
    ]) {
      await request(api.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${token}`)
        .send(body)
        .expect(201);
    }
    for (let id = 1; id <= CUSTOMERS + BYSTANDERS.length; id++) {
      crm.seed(fkEmail(id, TAG));
    }
    // The backend holds each call a while, so a worker is killed with calls in flight.
    crm.onCall = async (call) => {
      inFlight++;
      try {
        await new Promise((r) => setTimeout(r, 700));
      } finally {
        inFlight--;
      }
      const email = call.subject.email ?? '';
      if (call.type === 'erasure' && crm.records.has(email)) {
        erasedBy.set(email, (erasedBy.get(email) ?? 0) + 1);
      }
    };
    await until(async () => {
      if (spawnFailures.length > 0) {
        throw spawnFailures[0];
      }
      return ready.length === 2 ? true : undefined;
    }, 180000);
    env.DB_MIGRATE = 'false';
  }, 240000);

  afterAll(async () => {
    await until(async () => (starting === 0 ? true : undefined), 180000).catch(() => undefined);
    killAll(started);
    await Promise.all(started.map((w) => exitOf(w, 10000).catch(() => undefined)));
    await api?.close();
    await crm.stop();
    await shop?.drop();
    await own?.drop();
    rmSync(exportDir, { recursive: true, force: true });
  });

  const view = async (id: string): Promise<View> =>
    (
      await request(api.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200)
    ).body as View;

  const file = async (type: Filed['type'], customer: number): Promise<Filed> => {
    const res = await request(api.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${key}`)
      .send({ type, subject: { email: fkEmail(customer, TAG) } })
      .expect(201);
    return { type, customer, id: res.body.id as string };
  };

  /** The access package of `id`: its bytes match the link's checksum and its manifest's. */
  const exportOf = async (id: string): Promise<AdmZip> => {
    const link = await request(api.http)
      .get(`/v1/privacy-requests/${id}/export`)
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    const res = await request(api.http)
      .get(new URL(link.body.url as string).pathname)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const body = res.body as Buffer;
    expect(createHash('sha256').update(body).digest('hex')).toBe(link.body.checksum);
    const zip = new AdmZip(body);
    const manifest = JSON.parse(zip.readAsText('manifest.json')) as {
      files: Record<string, string>;
    };
    expect(Object.keys(manifest.files).length).toBeGreaterThan(0);
    for (const [name, sha] of Object.entries(manifest.files)) {
      const data = zip.getEntry(name)?.getData() ?? Buffer.alloc(0);
      expect({ name, sha: createHash('sha256').update(data).digest('hex') }).toEqual({ name, sha });
    }
    return zip;
  };

  it('completes every request exactly once, with right exports and an intact audit chain', async () => {
    const filed: Filed[] = [];
    let customer = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      for (let i = 0; i < PER_WAVE; i++) {
        customer++;
        filed.push(await file(customer % 2 === 0 ? 'access' : 'erasure', customer));
      }
      // Replacements start while the others run, so kills need not wait for one each.
      while (ready.length + starting < 3) {
        startWorker();
      }
      await until(async () => (ready.length > 0 && inFlight > 0 ? true : undefined), 240000);
      const victim = ready.shift() as ChildProcess;
      victim.kill('SIGKILL');
      await exitOf(victim, 30000);
      // A moment for the survivors to take up work before the next kill.
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(spawnFailures).toEqual([]);
    if (ready.length + starting === 0) {
      startWorker();
    }

    const done = await until(async () => {
      const views = await Promise.all(filed.map((f) => view(f.id)));
      return views.every((v) => v.status === 'completed') ? views : undefined;
    }, 240000).catch(async () => {
      const views = await Promise.all(filed.map((f) => view(f.id)));
      throw new Error(`not all completed: ${views.map((v) => v.status).join(', ')}`);
    });
    for (const v of done) {
      expect(v.tasks.map((t) => t.status)).toEqual(['completed', 'completed']);
    }

    const erased = filed.filter((f) => f.type === 'erasure');
    const accessed = filed.filter((f) => f.type === 'access');
    // The backend erased each subject once: a redone call found nothing left.
    expect(Object.fromEntries(erasedBy)).toEqual(
      Object.fromEntries(erased.map((f) => [fkEmail(f.customer, TAG), 1])),
    );
    for (const f of erased) {
      expect(crm.records.has(fkEmail(f.customer, TAG))).toBe(false);
    }
    for (const f of [...accessed, ...BYSTANDERS.map((c) => ({ customer: c }))]) {
      expect(crm.records.has(fkEmail(f.customer, TAG))).toBe(true);
    }

    const pg = new Client({ connectionString: shop.postgresUrl });
    await pg.connect();
    try {
      const left = await pg.query<{ id: number }>('SELECT id FROM customers ORDER BY id');
      expect(left.rows.map((r) => r.id)).toEqual(
        [...accessed.map((f) => f.customer), ...BYSTANDERS].sort((a, b) => a - b),
      );
      // Erased customers' orders are kept, unlinked and without an address; the others' intact.
      const orders = await pg.query<{
        id: number;
        customer_id: number | null;
        address: string | null;
      }>('SELECT id, customer_id, address FROM orders ORDER BY id');
      expect(orders.rows).toHaveLength(2 * (CUSTOMERS + BYSTANDERS.length));
      const erasedIds = new Set(erased.map((f) => f.customer));
      for (const o of orders.rows) {
        const owner = Math.floor(o.id / 10);
        expect(o).toEqual(
          erasedIds.has(owner)
            ? { id: o.id, customer_id: null, address: null }
            : { id: o.id, customer_id: owner, address: `${owner} High Street` },
        );
      }
    } finally {
      await pg.end();
    }

    for (const f of accessed) {
      const zip = await exportOf(f.id);
      const customers = JSON.parse(zip.readAsText('shop/customers.json')) as Array<{
        email: string;
      }>;
      expect(customers.map((c) => c.email)).toEqual([fkEmail(f.customer, TAG)]);
      const orders = JSON.parse(zip.readAsText('shop/orders.json')) as unknown[];
      expect(orders).toHaveLength(2);
    }

    const verified = await request(api.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(verified.body).toEqual(expect.objectContaining({ ok: true }));
  });
});
