import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Client } from 'pg';
import request from 'supertest';
import { redisConnectionOptions } from 'src/queue/redis-connection';
import { Reconciler } from 'src/privacy-requests/workflow/reconciler.service';
import { AuditService } from 'src/audit/audit.service';
import { AppConfig } from 'src/config/app-config';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import {
  PRIVACY_REQUEST_QUEUE,
  runJobId,
} from 'src/privacy-requests/workflow/privacy-request.jobs';
import { WorkflowQueue } from 'src/privacy-requests/workflow/workflow-queue.service';
import { createUser } from './support/factories';
import { HttpStoreService, startHttpStoreService, until } from './support/http-store-service';
import { createTestApp } from './support/test-app';

jest.setTimeout(120000);

/**
 * The reconciler judges every active request by PostgreSQL and the queue together. Its own
 * database and Redis prefix: it acts on every request it can see.
 */
describe('reconciler', () => {
  let service: HttpStoreService;
  let token: string;

  beforeAll(async () => {
    service = await startHttpStoreService('reconcile', 'reconciler-store-secret-0001');
    token = service.adminToken;
  });
  afterAll(() => service?.close());

  const view = (id: string) => service.view(id);
  const file = (email: string) => service.file(email);

  /** Lets BullMQ fail the waiting jobs without the service's processor: nothing is recorded. */
  async function failJobsUnrecorded(): Promise<void> {
    const connection = redisConnectionOptions(service.api.config.redis.url);
    const prefix = `${service.api.config.redis.prefix}:bull`;
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
    service.store.seed(email);
    const id = await file(email);
    await failJobsUnrecorded();
    expect((await view(id)).status).toBe('queued');
    const workers = await createTestApp({
      ...service.env,
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
      expect(
        service.store.calls.filter((c) => c.requestId === id && c.type === 'erasure'),
      ).toHaveLength(1);
      // A completed request is closed to retries.
      const dpo = await createUser(service.api.http, token, ['dpo']);
      await request(service.api.http)
        .post(`/v1/admin/privacy-requests/${id}/retry`)
        .set('Authorization', `Bearer ${dpo.token}`)
        .expect(409);
    } finally {
      await workers.close();
    }
  });

  it('a request whose every task ended with one failed for good is failed, with the reason', async () => {
    const id = await file('all.ended@example.test');
    const db = new Client({ connectionString: service.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`UPDATE privacy_request_tasks SET status = 'failed' WHERE request_id = $1`, [
        id,
      ]);
      // Its jobs gone too: only the reconciler acts on it.
      const queue = new Queue(PRIVACY_REQUEST_QUEUE, {
        connection: redisConnectionOptions(service.api.config.redis.url),
        prefix: `${service.api.config.redis.prefix}:bull`,
      });
      await queue.obliterate({ force: true });
      await queue.close();
      const workers = await createTestApp({
        ...service.env,
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
    service.store.seed(email);
    const id = await file(email);
    const dpo = await createUser(service.api.http, token, ['dpo']);
    const retried = await request(service.api.http)
      .post(`/v1/admin/privacy-requests/${id}/retry`)
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(200);
    expect(retried.body).toEqual({ id, status: 'queued' });
    const workers = await createTestApp(service.env);
    try {
      const done = await until(async () => {
        const v = await view(id);
        return v.status === 'completed' ? v : undefined;
      });
      expect(done.events.map((e) => e.action)).toContain('privacy_request.retried');
      expect(
        service.store.calls.filter((c) => c.requestId === id && c.type === 'erasure'),
      ).toHaveLength(1);
    } finally {
      await workers.close();
    }
  });

  it('a run waiting in the queue is left to it, unless every task has ended with one failed for good', async () => {
    const waiting = await file('waits.its.turn@example.test');
    const ended = await file('ended.while.queued@example.test');
    const db = new Client({ connectionString: service.env.DATABASE_URL });
    await db.connect();
    const queue = new Queue(PRIVACY_REQUEST_QUEUE, {
      connection: redisConnectionOptions(service.api.config.redis.url),
      prefix: `${service.api.config.redis.prefix}:bull`,
    });
    try {
      await db.query(`UPDATE privacy_request_tasks SET status = 'failed' WHERE request_id = $1`, [
        ended,
      ]);
      // The API runs no workers: both runs wait in the queue. One pass, as the CLI runs it.
      const { app } = service.api;
      const reconciler = new Reconciler(
        app.get(PrivacyRequestRepository),
        app.get(WorkflowQueue),
        app.get(PrivacyRequestCommits),
        app.get(AuditService),
        app.get(AppConfig),
      );
      expect(await reconciler.tick()).toEqual({ enqueued: 0, failed: 1 });
      expect((await view(waiting)).status).toBe('queued');
      expect(await queue.getJobState(runJobId(waiting, 0))).toBe('waiting');
      expect((await view(ended)).status).toBe('failed');
      expect(await reconciler.tick()).toEqual({ enqueued: 0, failed: 0 });
    } finally {
      await queue.close();
      await db.end();
    }
  });
});
