import { Worker } from 'bullmq';
import { redisConnectionOptions } from 'src/queue/redis-connection';
import { PRIVACY_REQUEST_QUEUE } from 'src/privacy-requests/workflow/privacy-request.jobs';
import { HttpStoreService, startHttpStoreService, until } from './support/http-store-service';
import { createTestApp } from './support/test-app';

jest.setTimeout(120000);

/**
 * A job that takes down every worker that runs it (a crash, an out-of-memory kill) is given up
 * after PRIVACY_TASK_STALL_LIMIT stalls: its task and request fail with the reason, audited,
 * rather than being restarted for ever.
 */
describe('a task whose worker dies every time', () => {
  let service: HttpStoreService;

  beforeAll(async () => {
    service = await startHttpStoreService('poison', 'poison-store-secret-0001');
  });
  afterAll(() => service?.close());

  /**
   * A worker takes the next job and dies holding it: its lock lapses without the job ending,
   * which is what a killed process leaves. Its own stall check hands on the previous one's job.
   */
  async function dieHoldingJob(): Promise<void> {
    let taken = (): void => undefined;
    const took = new Promise<void>((resolve) => (taken = resolve));
    const worker = new Worker(
      PRIVACY_REQUEST_QUEUE,
      () => {
        taken();
        return new Promise<void>(() => undefined);
      },
      {
        connection: redisConnectionOptions(service.api.config.redis.url),
        prefix: `${service.api.config.redis.prefix}:bull`,
        lockDuration: 1000,
        stalledInterval: 500,
        maxStalledCount: 50,
      },
    );
    try {
      await took;
    } finally {
      await worker.close(true);
    }
  }

  it('fails the task and its request with the reason once its worker stopped the set number of times', async () => {
    const email = 'poison.pill@example.test';
    service.store.seed(email);
    const id = await service.file(email);
    await dieHoldingJob();
    await dieHoldingJob();
    const workers = await createTestApp({ ...service.env, PRIVACY_TASK_STALL_LIMIT: '2' });
    try {
      const failed = await until(async () => {
        const v = await service.view(id);
        return v.status === 'failed' ? v : undefined;
      });
      expect(failed.tasks).toEqual([
        expect.objectContaining({
          status: 'failed',
          detail: expect.stringContaining('stopped 2 times') as unknown,
        }),
      ]);
      expect(failed.failureReason).toContain('PRIVACY_TASK_STALL_LIMIT');
      expect(failed.events.map((e) => e.action)).toContain('privacy_request.failed');
      // The service never ran it: given up before a third worker could be taken down.
      expect(service.store.calls.filter((c) => c.requestId === id)).toHaveLength(0);
    } finally {
      await workers.close();
    }
  });
});
