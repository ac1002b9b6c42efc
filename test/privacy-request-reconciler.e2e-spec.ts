import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Client } from 'pg';
import request from 'supertest';
import { redisConnectionOptions } from 'src/queue/redis-connection';
import { Reconciler } from 'src/privacy-requests/workflow/reconciler.service';
import { PRIVACY_REQUEST_QUEUE } from 'src/privacy-requests/workflow/privacy-request.jobs';
import { createApiKey, createUser } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

type View = {
  status: string;
  tasks: Array<{ status: string; attempts: number; detail?: string }>;
  events: Array<{ action: string }>;
};

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
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
 * The reconciler judges every active request by PostgreSQL and the queue together. Its own
 * database and Redis prefix: it acts on every request it can see.
 */
describe('reconciler', () => {
  const store = new TestHttpStore('reconciler-store-secret-0001');
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let api: TestApp;
  let token: string;
  let key: string;

  beforeAll(async () => {
    own = await ownDatabase('reconcile');
    const url = await store.start();
    api = await createTestApp({ ...own.env, WORKERS: 'false' });
    token = await adminToken(api.http);
    key = (await createApiKey(api.http, token, ['requests:write', 'requests:read'])).key;
    await request(api.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'backend',
        type: 'http',
        connection: { url, secret: store.secret },
        collections: [],
      })
      .expect(201);
  });
  afterAll(async () => {
    await api?.close();
    await store.stop();
    await own?.drop();
  });

  const view = async (id: string): Promise<View> =>
    (
      await request(api.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200)
    ).body as View;

  const file = async (email: string): Promise<string> =>
    (
      await request(api.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'erasure', subject: { email } })
        .expect(201)
    ).body.id as string;

  /** Lets BullMQ fail the waiting jobs without the service's processor: nothing is recorded. */
  async function failJobsUnrecorded(): Promise<void> {
    const connection = redisConnectionOptions(api.config.redis.url);
    const prefix = `${api.config.redis.prefix}:bull`;
    const queue = new Queue(PRIVACY_REQUEST_QUEUE, { connection, prefix });
    const worker = new Worker(
      PRIVACY_REQUEST_QUEUE,
      () => Promise.reject(new UnrecoverableError('worker lost')),
      { connection, prefix },
    );
    try {
      await until(async () => ((await queue.getFailedCount()) > 0 ? true : undefined));
      await until(async () =>
        (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0 ? true : undefined,
      );
    } finally {
      await worker.close();
      await queue.close();
    }
  }

  it('a run the queue gave up on without it being recorded is replaced, audited, and the request completes', async () => {
    const email = 'gave.up@example.test';
    store.seed(email);
    const id = await file(email);
    await failJobsUnrecorded();
    expect((await view(id)).status).toBe('queued');
    const workers = await createTestApp({
      ...own.env,
      DB_MIGRATE: 'false',
      PRIVACY_RECONCILE_INTERVAL_MS: '3600000',
    });
    try {
      expect(await workers.app.get(Reconciler).tick()).toEqual({ enqueued: 1, failed: 0 });
      const done = await until(async () => {
        const v = await view(id);
        return v.status === 'completed' ? v : undefined;
      });
      expect(done.tasks).toEqual([expect.objectContaining({ status: 'completed', attempts: 1 })]);
      expect(done.events.map((e) => e.action)).toContain('privacy_request.run_restarted');
      expect(store.calls.filter((c) => c.requestId === id && c.type === 'erasure')).toHaveLength(1);
      // A completed request is closed to retries.
      const dpo = await createUser(api.http, token, ['dpo']);
      await request(api.http)
        .post(`/v1/admin/privacy-requests/${id}/retry`)
        .set('Authorization', `Bearer ${dpo.token}`)
        .expect(409);
    } finally {
      await workers.close();
    }
  });

  it('a request whose every task ended with one failed for good is failed, with the reason', async () => {
    const id = await file('all.ended@example.test');
    const db = new Client({ connectionString: own.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`UPDATE privacy_request_tasks SET status = 'failed' WHERE request_id = $1`, [
        id,
      ]);
      // Its jobs gone too: only the reconciler acts on it.
      const queue = new Queue(PRIVACY_REQUEST_QUEUE, {
        connection: redisConnectionOptions(api.config.redis.url),
        prefix: `${api.config.redis.prefix}:bull`,
      });
      await queue.obliterate({ force: true });
      await queue.close();
      const workers = await createTestApp({
        ...own.env,
        DB_MIGRATE: 'false',
        PRIVACY_RECONCILE_INTERVAL_MS: '3600000',
      });
      try {
        expect((await workers.app.get(Reconciler).tick()).failed).toBe(1);
      } finally {
        await workers.close();
      }
      const { rows } = await db.query<{ status: string; failure_reason: string }>(
        'SELECT status, failure_reason FROM privacy_requests WHERE id = $1',
        [id],
      );
      expect(rows[0]).toEqual({ status: 'failed', failure_reason: '1 task(s) failed for good' });
    } finally {
      await db.end();
    }
  });

  it('a DPO retries a request stuck in the queue: a new run is audited and completes it', async () => {
    const email = 'stuck@example.test';
    store.seed(email);
    const id = await file(email);
    const dpo = await createUser(api.http, token, ['dpo']);
    const retried = await request(api.http)
      .post(`/v1/admin/privacy-requests/${id}/retry`)
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(200);
    expect(retried.body).toEqual({ id, status: 'queued' });
    const workers = await createTestApp({ ...own.env, DB_MIGRATE: 'false' });
    try {
      const done = await until(async () => {
        const v = await view(id);
        return v.status === 'completed' ? v : undefined;
      });
      expect(done.events.map((e) => e.action)).toContain('privacy_request.retried');
      expect(store.calls.filter((c) => c.requestId === id && c.type === 'erasure')).toHaveLength(1);
    } finally {
      await workers.close();
    }
  });
});
