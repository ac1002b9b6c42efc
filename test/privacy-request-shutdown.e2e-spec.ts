import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { ownDatabase } from './support/own-database';
import { exitOf, freePort, spawnEntry } from './support/spawn-service';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(180000);

/** A deploy stops a worker in the middle of a job: the job finishes, and nothing runs twice. */
describe('worker shutdown', () => {
  const store = new TestHttpStore('shutdown-store-secret-0001');
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let api: TestApp;
  let key: string;

  beforeAll(async () => {
    own = await ownDatabase('shutdown');
    const url = await store.start();
    api = await createTestApp({ ...own.env, WORKERS: 'false' });
    const token = await adminToken(api.http);
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

  it('SIGTERM during a job lets it finish, exits 0, and the request completes without a rerun', async () => {
    const email = 'deploy.time@example.test';
    store.seed(email);
    const env = {
      ...own.env,
      DB_MIGRATE: 'false',
      LOG_LEVEL: 'info',
      PORT: String(await freePort()),
    };
    const worker: ChildProcess = spawnEntry('worker', env);
    // Filed once the worker is up, so the signal reaches a process that is running the job.
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error('the worker did not start')), 120000);
      worker.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (seen.includes('Worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    let next: ChildProcess | undefined;
    let signalled = false;
    store.onCall = async (call) => {
      if (call.type === 'erasure' && !signalled) {
        signalled = true;
        worker.kill('SIGTERM');
        // The backend is slow: the job is still running well after the signal.
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    try {
      const created = await request(api.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'erasure', subject: { email } })
        .expect(201);
      expect(await exitOf(worker, 90000)).toBe(0);
      const id = created.body.id as string;
      const task = async () =>
        (
          await request(api.http)
            .get(`/v1/privacy-requests/${id}`)
            .set('Authorization', `Bearer ${key}`)
            .expect(200)
        ).body as { status: string; tasks: Array<{ status: string; attempts: number }> };
      // The job was finished before the process left: its task is done, attempted once.
      expect((await task()).tasks).toEqual([
        expect.objectContaining({ status: 'completed', attempts: 1 }),
      ]);
      // The next worker only has the finishing step left.
      next = spawnEntry('worker', env);
      for (const deadline = Date.now() + 90000; (await task()).status !== 'completed';) {
        if (Date.now() > deadline) {
          throw new Error('the request did not complete in time');
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      expect((await task()).tasks).toEqual([
        expect.objectContaining({ status: 'completed', attempts: 1 }),
      ]);
      expect(store.calls.filter((c) => c.type === 'erasure')).toHaveLength(1);
    } finally {
      store.onCall = () => Promise.resolve();
      for (const p of [worker, next]) {
        if (p && p.exitCode === null && p.signalCode === null) {
          p.kill('SIGKILL');
        }
      }
    }
  });
});
