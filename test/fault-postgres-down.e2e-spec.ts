import {
  createPrivateCluster,
  postgresReady,
  PrivateCluster,
  privateClusterUnavailable,
} from './support/private-postgres';
import { Client } from 'pg';
import request from 'supertest';
import {
  HttpStoreService,
  RequestView,
  startHttpStoreService,
  until,
} from './support/http-store-service';
import { freePort } from './support/spawn-service';
import { createTestApp, TestApp } from './support/test-app';

jest.setTimeout(150000);

const unavailable = privateClusterUnavailable();
const describeCluster = unavailable ? describe.skip : describe;
if (unavailable) {
  process.stderr.write(`PostgreSQL outage spec skipped: ${unavailable}\n`);
}

/** How long the database is away: longer than the tasks' retry budget set below. */
const OUTAGE_MS = 8000;

/**
 * PostgreSQL goes away for longer than a task's retry budget while erasures run (the old
 * attempt count gave up after about 15 s; the budget is set to 3 s here to keep the test short):
 * once it is back, every request completes, none stays stuck, every subject is erased, and the
 * audit chain verifies.
 */
describeCluster('PostgreSQL down for longer than the retry budget', () => {
  let cluster: PrivateCluster | undefined;
  let service: HttpStoreService;
  let workers: TestApp | undefined;

  beforeAll(async () => {
    cluster = createPrivateCluster(
      'privacy_fault',
      await freePort(),
      { listen_addresses: '127.0.0.1' },
      'local all all trust\nhost all all 127.0.0.1/32 trust\n',
    );
    const server = `postgres://postgres@127.0.0.1:${cluster.port}`;
    await postgresReady(`${server}/postgres`);
    const admin = new Client({ connectionString: `${server}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE privacy_fault');
    await admin.end();
    service = await startHttpStoreService('pg_down', 'pg-down-store-secret-00001', {
      DATABASE_URL: `${server}/privacy_fault`,
      PRIVACY_TASK_RETRY_BUDGET: '3s',
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
    });
  }, 90000);
  afterAll(async () => {
    await workers?.close().catch(() => undefined);
    await service?.close().catch(() => undefined);
    cluster?.drop();
  });

  /** The request's view, or undefined while the API cannot read it yet. */
  const viewOrNothing = (id: string): Promise<RequestView | undefined> =>
    service.view(id).catch(() => undefined);

  it('completes every request once the database is back', async () => {
    const emails = Array.from({ length: 8 }, (_, i) => `outage.${i}@example.test`);
    emails.forEach((e) => service.store.seed(e));
    service.store.onCall = () => new Promise((r) => setTimeout(r, 300));
    const ids = await Promise.all(emails.map((e) => service.file(e)));
    workers = await createTestApp(service.env);
    await until(async () => (service.store.calls.length > 0 ? true : undefined));
    cluster?.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    cluster?.start();

    const views = await until(async () => {
      const all = await Promise.all(ids.map(viewOrNothing));
      return all.every((v) => v?.status === 'completed') ? (all as RequestView[]) : undefined;
    }, 100000);
    for (const v of views) {
      expect(v.tasks).toEqual([expect.objectContaining({ status: 'completed' })]);
    }
    expect(emails.filter((e) => service.store.records.has(e))).toEqual([]);
    const verify = await request(service.api.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${service.adminToken}`)
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true });
  });

  it("keeps a task's counts when the database went away between the store call and its record", async () => {
    const email = 'between.call.and.record@example.test';
    service.store.seed(email, 2);
    let stopped = false;
    service.store.onCall = (call) => {
      if (call.subject.email === email && !stopped) {
        // The store does its work and answers; the service then cannot record it.
        stopped = true;
        cluster?.stop();
      }
      return Promise.resolve();
    };
    workers ??= await createTestApp(service.env);
    const id = await service.file(email);
    await until(async () => (stopped ? true : undefined));
    await new Promise((r) => setTimeout(r, 3000));
    cluster?.start();

    const view = await until(async () => {
      const v = await viewOrNothing(id);
      return v?.status === 'completed' ? v : undefined;
    }, 100000);
    // The retry recorded what the first call erased (a profile and two events) and did not
    // call the store again, which would have found nothing.
    expect(view.tasks).toEqual([
      expect.objectContaining({ status: 'completed', detail: 'erased 3 rows' }),
    ]);
    expect(service.store.calls.filter((c) => c.subject.email === email)).toHaveLength(1);
    expect(service.store.records.has(email)).toBe(false);
  });
});
