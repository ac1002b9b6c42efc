import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { HttpStoreService, startHttpStoreService, until } from './support/http-store-service';
import { exitOf, freePort, redisReady, spawnRedis } from './support/spawn-service';
import { createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

/**
 * Redis, the queue's only copy, is restarted empty while erasures run: PostgreSQL's record is
 * enough to finish every request, none stays stuck, each task keeps its first run's count, and
 * the audit chain still verifies.
 */
describe('Redis restarted empty in the middle of a run', () => {
  let redis: ChildProcess;
  let redisUrl: string;
  let service: HttpStoreService;
  let workers: TestApp;

  const startRedis = async (): Promise<void> => {
    redis = spawnRedis(Number(new URL(redisUrl).port));
    await redisReady(redisUrl);
  };

  beforeAll(async () => {
    redisUrl = `redis://127.0.0.1:${await freePort()}`;
    await startRedis();
    service = await startHttpStoreService('redis_empty', 'redis-empty-store-secret-01', {
      REDIS_URL: redisUrl,
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
    });
  });
  afterAll(async () => {
    await workers?.close().catch(() => undefined);
    await service?.close();
    redis?.kill('SIGKILL');
  });

  it('completes every request, with the first counts, and the audit chain verifies', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `emptied.${i}@example.test`);
    emails.forEach((e) => service.store.seed(e));
    // A slow backend and more requests than a worker runs at once, so Redis goes away with jobs
    // waiting and running.
    service.store.onCall = () => new Promise((r) => setTimeout(r, 300));
    const ids = await Promise.all(emails.map((e) => service.file(e)));
    workers = await createTestApp(service.env);
    await until(async () => (service.store.calls.length > 0 ? true : undefined));
    redis.kill('SIGKILL');
    await exitOf(redis, 5000);
    await startRedis();

    const views = await until(async () => {
      const all = await Promise.all(ids.map((id) => service.view(id)));
      return all.every((v) => v.status === 'completed') ? all : undefined;
    }, 90000);
    for (const v of views) {
      // 1 profile and 2 events: a rerun that found nothing left kept the first run's count.
      expect(v.tasks).toEqual([
        expect.objectContaining({ status: 'completed', detail: 'erased 3 rows' }),
      ]);
    }
    expect(emails.filter((e) => service.store.records.has(e))).toEqual([]);
    const verify = await request(service.api.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${service.adminToken}`)
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true });
  });
});
