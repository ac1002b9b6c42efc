import { FlowProducer, Queue } from 'bullmq';
import { Client } from 'pg';
import { redisConnectionOptions } from 'src/queue/redis-connection';
import {
  finishJobId,
  PRIVACY_REQUEST_QUEUE,
  PrivacyRequestJob,
  taskJobId,
} from 'src/privacy-requests/workflow/privacy-request.jobs';
import { PrivacyRequestEntity } from 'src/privacy-requests/entities/privacy-request.entity';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import { WorkflowQueue } from 'src/privacy-requests/workflow/workflow-queue.service';
import { HttpStoreService, startHttpStoreService, until } from './support/http-store-service';
import { createTestApp } from './support/test-app';

jest.setTimeout(120000);

/**
 * A deploy strands nothing: a run queued by the earlier release as a flow (a finishing parent
 * with one child job per store) is processed by the current workers, and the reconciler judges
 * it by those jobs.
 */
describe('runs queued as the earlier per-store flow', () => {
  let service: HttpStoreService;

  beforeAll(async () => {
    service = await startHttpStoreService('earlier-jobs', 'earlier-jobs-store-secret-0001');
  });
  afterAll(() => service?.close());

  const connection = () => ({
    connection: redisConnectionOptions(service.api.config.redis.url),
    prefix: `${service.api.config.redis.prefix}:bull`,
  });

  /** Files a request, then queues its run as the earlier release did, in place of its job. */
  async function fileAsEarlierFlow(email: string): Promise<string> {
    service.store.seed(email);
    const id = await service.file(email);
    const db = new Client({ connectionString: service.env.DATABASE_URL });
    await db.connect();
    const queue = new Queue(PRIVACY_REQUEST_QUEUE, connection());
    const flows = new FlowProducer(connection());
    try {
      const { rows } = await db.query<{ id: string; generation: number }>(
        `SELECT t.id, r.generation FROM privacy_request_tasks t
           JOIN privacy_requests r ON r.id = t.request_id WHERE r.id = $1`,
        [id],
      );
      const { generation } = rows[0];
      await until(async () => ((await queue.getWaitingCount()) > 0 ? true : undefined));
      await queue.obliterate({ force: true });
      await flows.add({
        name: PrivacyRequestJob.Finish,
        queueName: PRIVACY_REQUEST_QUEUE,
        data: { requestId: id, generation },
        opts: { jobId: finishJobId(id, generation) },
        children: rows.map((t) => ({
          name: PrivacyRequestJob.RunTask,
          queueName: PRIVACY_REQUEST_QUEUE,
          data: { requestId: id, taskId: t.id, generation },
          opts: { jobId: taskJobId(t.id, generation), failParentOnFailure: true },
        })),
      });
    } finally {
      await flows.close();
      await queue.close();
      await db.end();
    }
    return id;
  }

  it('is judged alive while its jobs wait, and missing once Redis lost them', async () => {
    const id = await fileAsEarlierFlow('waiting.flow@example.test');
    const requests = service.api.app.get(PrivacyRequestRepository);
    const workflow = service.api.app.get(WorkflowQueue);
    const request = (await requests.findById(id)) as PrivacyRequestEntity;
    const unfinished = await requests.findUnfinishedTaskIds(id);
    expect(await workflow.look(request, unfinished)).toEqual({ state: 'alive', stalled: false });
    const queue = new Queue(PRIVACY_REQUEST_QUEUE, connection());
    await queue.obliterate({ force: true });
    await queue.close();
    expect(await workflow.look(request, unfinished)).toEqual({ state: 'missing', stalled: false });
  });

  it('is completed by the current workers, each store called once', async () => {
    const id = await fileAsEarlierFlow('earlier.flow@example.test');
    const workers = await createTestApp(service.env);
    try {
      const done = await until(async () => {
        const v = await service.view(id);
        return v.status === 'completed' ? v : undefined;
      });
      expect(done.tasks).toEqual([expect.objectContaining({ status: 'completed', attempts: 1 })]);
      expect(
        service.store.calls.filter((c) => c.requestId === id && c.type === 'erasure'),
      ).toHaveLength(1);
    } finally {
      await workers.close();
    }
  });
});
