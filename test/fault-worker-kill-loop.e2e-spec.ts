import AdmZip from 'adm-zip';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { compileSource } from './support/compiled-source';
import { fkEmail } from './support/fk-shop-fixture';
import { killAll, spawnWorker, until, viewRequest } from './support/http-store-service';
import { ShopCrmService, startShopCrmService } from './support/shop-crm-service';
import { exitOf } from './support/spawn-service';
import type { TestApp } from './support/test-app';

jest.setTimeout(420000);

const TAG = 'kl';
const KILLS = 10;
/** Requests filed before each kill, an erasure and an access: work never runs out. */
const PER_WAVE = 2;
/** How long the backend holds each call, so kills land with calls in flight. */
const HOLD_MS = 500;
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
  const exportDir = mkdtempSync(join(tmpdir(), 'kill-loop-exports-'));
  // Eleven worker processes start here: from JavaScript compiled once, not each through ts-node.
  const compiled = compileSource();
  let service: ShopCrmService;
  let api: TestApp;
  let token: string;
  let key: string;
  let env: Record<string, string>;
  /** Workers that said they are ready, oldest first; every process ever started. */
  const ready: ChildProcess[] = [];
  const started: ChildProcess[] = [];
  let starting = 0;
  const spawnFailures: unknown[] = [];
  /** Backend calls in flight, by when each began; when the last kill was. */
  const inFlight = new Set<{ began: number }>();
  let lastKill = 0;
  /** Backend erasures that found the subject's records, per e-mail. */
  const erasedBy = new Map<string, number>();

  /** Starts a worker process in the background; it joins `ready` once it says so. */
  const startWorker = (): void => {
    starting++;
    const child = spawnWorker(env, 240000, (p) => started.push(p), compiled.root);
    void child
      .then(
        (w) => ready.push(w),
        (e: unknown) => spawnFailures.push(e),
      )
      .finally(() => starting--);
  };

  beforeAll(async () => {
    service = await startShopCrmService({
      tag: TAG,
      crmSecret: 'kill-loop-store-secret-0001',
      customers: CUSTOMERS + BYSTANDERS.length,
      env: {
        EXPORT_DIR: exportDir,
        // No task is given up for its kills here: each is redone until it completes.
        PRIVACY_TASK_STALL_LIMIT: '49',
        PRIVACY_RECONCILE_INTERVAL_MS: '2000',
      },
      // The first two start (and migrate, under their lock) while the rest is set up.
      onDatabase: (settings) => {
        env = settings;
        startWorker();
        startWorker();
      },
    });
    ({ api, adminToken: token, key } = service);
    // The backend holds each call a while, so a worker is killed with calls in flight.
    service.crm.onCall = async (call) => {
      const inCall = { began: Date.now() };
      inFlight.add(inCall);
      try {
        await new Promise((r) => setTimeout(r, HOLD_MS));
      } finally {
        inFlight.delete(inCall);
      }
      const email = call.subject.email ?? '';
      if (call.type === 'erasure' && service.crm.records.has(email)) {
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
    // One process per kill and a survivor, all started now: no kill waits for a start.
    for (let i = ready.length; i < KILLS + 1; i++) {
      startWorker();
    }
    await until(async () => {
      if (spawnFailures.length > 0) {
        throw spawnFailures[0];
      }
      return ready.length === KILLS + 1 ? true : undefined;
    }, 240000);
  }, 480000);

  afterAll(async () => {
    await until(async () => (starting === 0 ? true : undefined), 180000).catch(() => undefined);
    killAll(started);
    await Promise.all(started.map((w) => exitOf(w, 10000).catch(() => undefined)));
    await service?.close();
    compiled.remove();
    rmSync(exportDir, { recursive: true, force: true });
  });

  const view = (id: string): Promise<View> => viewRequest<View>(api.http, key, id);

  const file = async (type: Filed['type'], customer: number): Promise<Filed> => ({
    type,
    customer,
    id: await service.file(type, customer),
  });

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
      // Each kill waits for a backend call made since the last one: the survivors took up work.
      await until(
        async () => ([...inFlight].some((c) => c.began > lastKill) ? true : undefined),
        240000,
      );
      const victim = ready.shift() as ChildProcess;
      lastKill = Date.now();
      victim.kill('SIGKILL');
      await exitOf(victim, 30000);
    }
    expect(ready.length).toBe(1);

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
      expect(service.crm.records.has(fkEmail(f.customer, TAG))).toBe(false);
    }
    for (const f of [...accessed, ...BYSTANDERS.map((c) => ({ customer: c }))]) {
      expect(service.crm.records.has(fkEmail(f.customer, TAG))).toBe(true);
    }

    const pg = new Client({ connectionString: service.shop.postgresUrl });
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
