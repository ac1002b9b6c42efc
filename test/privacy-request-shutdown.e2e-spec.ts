import type { ChildProcess } from 'node:child_process';
import {
  HttpStoreService,
  killAll,
  spawnWorker,
  startHttpStoreService,
  until,
} from './support/http-store-service';
import { exitOf, freePort, spawnEntry } from './support/spawn-service';

jest.setTimeout(180000);

/** A deploy stops a worker in the middle of a job: the job finishes, and nothing runs twice. */
describe('worker shutdown', () => {
  let service: HttpStoreService;

  beforeAll(async () => {
    service = await startHttpStoreService('shutdown', 'shutdown-store-secret-0001');
  });
  afterAll(() => service?.close());

  it('SIGTERM during a job lets it finish, exits 0, and the request completes without a rerun', async () => {
    const email = 'deploy.time@example.test';
    service.store.seed(email);
    const env = { ...service.env, PORT: String(await freePort()) };
    // Filed once the worker is up, so the signal reaches a process that is running the job.
    const worker = await spawnWorker(env);
    let next: ChildProcess | undefined;
    let signalled = false;
    service.store.onCall = async (call) => {
      if (call.type === 'erasure' && !signalled) {
        signalled = true;
        worker.kill('SIGTERM');
        // The backend is slow: the job is still running well after the signal.
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    try {
      const id = await service.file(email);
      expect(await exitOf(worker, 90000)).toBe(0);
      const task = () => service.view(id);
      // The job was finished before the process left: its task is done, attempted once.
      expect((await task()).tasks).toEqual([
        expect.objectContaining({ status: 'completed', attempts: 1 }),
      ]);
      // The next worker only has the finishing step left.
      next = spawnEntry('worker', env);
      await until(async () => ((await task()).status === 'completed' ? true : undefined), 90000);
      expect((await task()).tasks).toEqual([
        expect.objectContaining({ status: 'completed', attempts: 1 }),
      ]);
      expect(service.store.calls.filter((c) => c.type === 'erasure')).toHaveLength(1);
    } finally {
      service.store.onCall = () => Promise.resolve();
      killAll([worker, next]);
    }
  });
});
