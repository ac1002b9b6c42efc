import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import request from 'supertest';
import { fkEmail } from './support/fk-shop-fixture';
import { viewRequest } from './support/http-store-service';
import { ShopCrmService, startShopCrmService } from './support/shop-crm-service';
import { exitOf, spawnEntry } from './support/spawn-service';
import type { TestApp } from './support/test-app';

jest.setTimeout(180000);

const TAG = 'mw';
const WORKERS = 3;
const ERASED = Array.from({ length: 20 }, (_, i) => i + 1);
const ACCESSED = Array.from({ length: 10 }, (_, i) => i + 21);

interface RequestView {
  status: string;
  tasks: Array<{
    dataStore: string;
    status: string;
    result?: { collections?: Array<{ collection: string; action: string; rows: number }> };
  }>;
}

function waitForLine(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" line in time`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Workers scale out as processes: three of them share one database and one Redis. */
describe('privacy requests on three worker processes', () => {
  let service: ShopCrmService;
  let api: TestApp;
  let token: string;
  let key: string;
  const workers: ChildProcess[] = [];
  let ready: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    service = await startShopCrmService({
      tag: TAG,
      crmSecret: 'many-workers-store-secret-01',
      customers: ERASED.length + ACCESSED.length,
      // All four processes start at once on the empty database, as a deploy starts them; the
      // migrations run once under their lock.
      onDatabase: (env) => {
        for (let i = 0; i < WORKERS; i++) {
          workers.push(spawnEntry('worker', { ...env, LOG_LEVEL: 'info' }));
        }
        ready = Promise.all(workers.map((w) => waitForLine(w, 'Worker ready', 150000)));
        // Without a handler an early failure would be reported as unhandled before it is awaited.
        ready.catch(() => undefined);
      },
    });
    ({ api, adminToken: token, key } = service);
    await ready;
  });

  afterAll(async () => {
    for (const w of workers) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGKILL');
        await exitOf(w, 10000).catch(() => undefined);
      }
    }
    await service?.close();
  });

  const view = (id: string): Promise<RequestView> => viewRequest<RequestView>(api.http, key, id);

  it('completes thirty requests filed at once, each exactly once, with an intact audit chain', async () => {
    const filed = await Promise.all(
      [
        ...ERASED.map((id) => ({ type: 'erasure' as const, id })),
        ...ACCESSED.map((id) => ({ type: 'access' as const, id })),
      ].map(async ({ type, id }) => ({
        type,
        customer: id,
        requestId: await service.file(type, id),
      })),
    );

    const done = new Map<string, RequestView>();
    for (const deadline = Date.now() + 150000; done.size < filed.length;) {
      if (Date.now() > deadline) {
        throw new Error(`${filed.length - done.size} requests did not finish in time`);
      }
      for (const f of filed.filter((x) => !done.has(x.requestId))) {
        const v = await view(f.requestId);
        if (['completed', 'failed', 'rejected'].includes(v.status)) {
          done.set(f.requestId, v);
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }

    for (const f of filed) {
      const v = done.get(f.requestId) as RequestView;
      expect({ customer: f.customer, status: v.status }).toEqual({
        customer: f.customer,
        status: 'completed',
      });
      if (f.type === 'erasure') {
        // The customer row went once: a second run would have found nothing to delete.
        const shopTask = v.tasks.find((t) => t.dataStore === 'shop');
        expect(shopTask?.result?.collections).toContainEqual({
          collection: 'customers',
          action: 'deleted',
          rows: 1,
        });
      }
    }

    // The backend heard each subject once, for the kind of request that subject filed.
    const heard = service.crm.calls.map((c) => `${c.type} ${c.subject.email ?? ''}`).sort();
    expect(heard).toEqual(filed.map((f) => `${f.type} ${fkEmail(f.customer, TAG)}`).sort());

    const pg = new Client({ connectionString: service.shop.postgresUrl });
    await pg.connect();
    try {
      const left = await pg.query<{ id: number }>('SELECT id FROM customers ORDER BY id');
      expect(left.rows.map((r) => r.id)).toEqual(ACCESSED);
      const linked = await pg.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orders WHERE customer_id = ANY($1) OR (customer_id IS NULL AND address IS NOT NULL)',
        [ERASED],
      );
      expect(linked.rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }

    const audit = new Client({ connectionString: service.databaseUrl });
    await audit.connect();
    try {
      const completed = await audit.query<{ target_id: string; n: number }>(
        `SELECT target_id, count(*)::int AS n FROM audit_events
          WHERE action = 'privacy_request.completed' GROUP BY target_id`,
      );
      expect(completed.rows.map((r) => r.n)).toEqual(filed.map(() => 1));
      expect(completed.rows.map((r) => r.target_id).sort()).toEqual(
        filed.map((f) => f.requestId).sort(),
      );
    } finally {
      await audit.end();
    }
    const verified = await request(api.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(verified.body).toEqual(expect.objectContaining({ ok: true }));
  });
});
