import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { createApiKey } from './factories';
import { TestHttpStore } from './http-store';
import { ownDatabase } from './own-database';
import { spawnEntry } from './spawn-service';
import { adminToken, createTestApp, TestApp } from './test-app';

export type RequestView = {
  status: string;
  failureReason?: string | null;
  tasks: Array<{ status: string; attempts: number; detail?: string }>;
  events: Array<{ action: string; details?: Record<string, unknown> }>;
};

/**
 * A service of a test's own for workflow tests that start, stop or kill workers: its own
 * database and Redis prefix (its reconciler acts on every request it sees), an API process
 * without workers, one HTTP data store named `backend`, and an API key that files and reads.
 */
export interface HttpStoreService {
  store: TestHttpStore;
  api: TestApp;
  /** Environment for worker processes and apps of this service (migrations already ran). */
  env: Record<string, string>;
  adminToken: string;
  key: string;
  file(email: string, type?: string): Promise<string>;
  view(id: string): Promise<RequestView>;
  close(): Promise<void>;
}

/**
 * `env`: settings of the whole service (e.g. a private REDIS_URL), for the API and its workers;
 * with a DATABASE_URL of its own (a private cluster) no database is made on the shared server.
 */
export async function startHttpStoreService(
  tag: string,
  storeSecret: string,
  env: Record<string, string> = {},
): Promise<HttpStoreService> {
  const own = env.DATABASE_URL
    ? {
        env: {
          DB_MIGRATE: 'true',
          REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_${tag}_${randomUUID().slice(0, 8)}`,
        },
        drop: () => Promise.resolve(),
      }
    : await ownDatabase(tag);
  own.env = { ...own.env, ...env };
  const store = new TestHttpStore(storeSecret);
  const url = await store.start();
  const api = await createTestApp({ ...own.env, WORKERS: 'false' });
  const token = await adminToken(api.http);
  const key = (await createApiKey(api.http, token, ['requests:write', 'requests:read'])).key;
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
  return {
    store,
    api,
    env: { ...own.env, DB_MIGRATE: 'false' },
    adminToken: token,
    key,
    file: async (email, type = 'erasure') =>
      (
        await request(api.http)
          .post('/v1/privacy-requests')
          .set('Authorization', `Bearer ${key}`)
          .send({ type, subject: { email } })
          .expect(201)
      ).body.id as string,
    view: (id) => viewRequest(api.http, key, id),
    close: async () => {
      await api.close();
      await store.stop();
      await own.drop();
    },
  };
}

/** A privacy request as `GET /v1/privacy-requests/{id}` answers it to API key `key`. */
export async function viewRequest<T = RequestView>(
  http: TestApp['http'],
  key: string,
  id: string,
): Promise<T> {
  const res = await request(http)
    .get(`/v1/privacy-requests/${id}`)
    .set('Authorization', `Bearer ${key}`)
    .expect(200);
  return res.body as T;
}

/** Polls `probe` until it gives a value; throws after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
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
 * Starts `src/worker.ts` as its own process and resolves once it says it is ready (`onSpawn`
 * gets the process at once, e.g. to kill it in a teardown even if it never gets ready).
 * `compiled`: the source compiled once (see compileSource), for a faster start.
 */
export async function spawnWorker(
  env: Record<string, string>,
  timeoutMs = 120000,
  onSpawn: (worker: ChildProcess) => void = () => undefined,
  compiled?: string,
): Promise<ChildProcess> {
  const worker = spawnEntry('worker', { LOG_LEVEL: 'info', ...env }, compiled);
  onSpawn(worker);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the worker did not start')), timeoutMs);
    worker.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes('Worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) before it was ready`));
    });
  });
  return worker;
}

/** Kills every process of `processes` still running (SIGKILL). */
export function killAll(processes: Array<ChildProcess | undefined>): void {
  for (const p of processes) {
    if (p && p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
    }
  }
}
