import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { AppConfig } from 'src/config/app-config';
import type {
  CollectionErasure,
  CommitStatus,
  Connector,
  ErasureContext,
} from 'src/data-stores/connectors/connector.interface';
import { StoreError, StoreFailure } from 'src/data-stores/connectors/store-error';
import type { DataStoreConnectors } from 'src/data-stores/data-store-connectors.service';
import type { ExportPartWriter } from 'src/privacy-requests/export/export-part.writer';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import type { SubjectProtector } from 'src/privacy-requests/subject-protector.service';
import type { TaskOutcome, TaskOutcomeMemo } from 'src/privacy-requests/workflow/task-outcome-memo';
import { TaskRunner } from 'src/privacy-requests/workflow/task-runner.service';
import { insertRequest, insertStore, insertTask, serviceDataSource } from './support/database';

const erasesOneRow = () =>
  Promise.resolve([{ collection: 'customers', action: 'deleted' as const, rows: 1 }]);

/** The edge: a store whose erasure answers what the test says, counting its calls. */
class FakeStore {
  calls = 0;
  next: (ctx: ErasureContext) => Promise<CollectionErasure[]> = erasesOneRow;
  /** What the store says of an earlier transaction; none: it cannot tell (an HTTP store). */
  status?: CommitStatus;

  connector(): Connector {
    return {
      erase: (_subject: unknown, ctx: ErasureContext) => {
        this.calls++;
        return this.next(ctx);
      },
      commitStatus: () => Promise.resolve(this.status ?? 'unknown'),
    } as unknown as Connector;
  }
}

const AUDIT_KEY = { masterKey: Buffer.alloc(32, 1) } as AppConfig;
const AUTO_APPROVAL = {
  privacyRequests: { approval: 'auto', testCrashAt: null },
} as unknown as AppConfig;

describe('TaskRunner', () => {
  let ds: DataSource;
  let repo: PrivacyRequestRepository;
  let runner: TaskRunner;
  const store = new FakeStore();

  beforeAll(async () => {
    ds = await serviceDataSource();
    repo = new PrivacyRequestRepository(ds);
    const connectors = {
      forStoreVersion: () => Promise.resolve(store.connector()),
    } as unknown as DataStoreConnectors;
    const protector = {
      open: () => Promise.resolve({ email: 'subject@example.com' }),
    } as unknown as SubjectProtector;
    runner = new TaskRunner(
      repo,
      connectors,
      protector,
      {} as ExportPartWriter,
      new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), AUTO_APPROVAL),
      AUTO_APPROVAL,
    );
  });
  afterAll(() => ds.destroy());
  beforeEach(() => {
    store.calls = 0;
    store.next = erasesOneRow;
    store.status = undefined;
  });

  const setup = async (status: 'queued' | 'in_progress' | 'failed' = 'queued') => {
    const requestId = await insertRequest(ds, status);
    const taskId = await insertTask(ds, requestId, await insertStore(ds));
    return { requestId, taskId };
  };
  const state = async (requestId: string, taskId: string) => {
    const [row] = await ds.query<
      Array<{ request: string; task: string; attempts: number; detail: string | null }>
    >(
      `SELECT r.status AS request, t.status AS task, t.attempts, t.detail
         FROM privacy_request_tasks t JOIN privacy_requests r ON r.id = t.request_id
        WHERE t.id = $1`,
      [taskId],
    );
    const events = await ds.query<Array<{ action: string; outcome: string; actor_type: string }>>(
      `SELECT action, outcome, actor_type FROM audit_events
        WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
      [requestId],
    );
    return { ...row, events };
  };
  const attempt = async (requestId: string, taskId: string, made: number) => {
    try {
      await runner.run(requestId, taskId);
      return undefined;
    } catch (e) {
      return runner.recordFailure(requestId, taskId, e, { made, last: made >= 5 });
    }
  };

  it('a completed erasure records its row count and completes the task', async () => {
    const { requestId, taskId } = await setup();
    expect(await attempt(requestId, taskId, 1)).toBeUndefined();
    expect(await state(requestId, taskId)).toMatchObject({
      request: 'in_progress',
      task: 'completed',
      attempts: 1,
      detail: 'erased 1 rows',
    });
  });

  it('a completed task is never run again', async () => {
    const { requestId, taskId } = await setup();
    await attempt(requestId, taskId, 1);
    await attempt(requestId, taskId, 2);
    expect(store.calls).toBe(1);
    expect((await state(requestId, taskId)).attempts).toBe(1);
  });

  it("a run overlapping an earlier one that finds nothing left keeps the first run's counts", async () => {
    const { requestId, taskId } = await setup();
    const erased = (rows: number) => [
      { collection: 'customers', action: 'deleted' as const, rows },
    ];
    // Both runs reach the store before either answers: the first erases 11 rows; the second
    // answers once the first's result is recorded and, finding nothing left, erases none.
    let secondCalled: () => void = () => undefined;
    const bothCalled = new Promise<void>((r) => (secondCalled = r));
    const firstRecorded = async () => {
      while ((await state(requestId, taskId)).task !== 'completed') {
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    store.next = () => {
      if (store.calls === 1) {
        return bothCalled.then(() => erased(11));
      }
      secondCalled();
      return firstRecorded().then(() => erased(0));
    };
    await Promise.all([runner.run(requestId, taskId), runner.run(requestId, taskId)]);
    expect(store.calls).toBe(2);
    expect((await state(requestId, taskId)).detail).toBe('erased 11 rows');
  });

  it('a run keeps the outcome of its store call before it records it', async () => {
    const { requestId, taskId } = await setup();
    const kept: TaskOutcome[] = [];
    store.next = () => Promise.resolve([{ collection: 'customers', action: 'deleted', rows: 7 }]);
    await runner.run(requestId, taskId, undefined, {
      keep: (outcome) => {
        kept.push(outcome);
        return Promise.resolve();
      },
    });
    expect(kept).toEqual([expect.objectContaining({ detail: 'erased 7 rows' })]);
    expect((await state(requestId, taskId)).detail).toBe('erased 7 rows');
  });

  it('a retry of a run whose outcome was kept records it without calling the store again', async () => {
    const { requestId, taskId } = await setup('in_progress');
    const memo: TaskOutcomeMemo = {
      kept: {
        result: { collections: [{ collection: 'customers', action: 'deleted', rows: 7 }] },
        detail: 'erased 7 rows',
      },
      keep: () => Promise.reject(new Error('kept already')),
    };
    await runner.run(requestId, taskId, undefined, memo);
    expect(store.calls).toBe(0);
    expect(await state(requestId, taskId)).toMatchObject({
      task: 'completed',
      detail: 'erased 7 rows',
    });
  });

  const customers = (rows: number): CollectionErasure[] => [
    { collection: 'customers', action: 'deleted', rows },
  ];

  // The first attempt writes ahead (3 rows) and is lost before its task is recorded; whether its
  // store transaction committed is what the store says, or (unknown) what the rerun finds.
  it.each([
    ['committed', 0, 'erased 3 rows'],
    ['committed', 1, 'erased 4 rows'],
    ['aborted', 3, 'erased 3 rows'],
    ['unknown', 0, 'erased 3 rows'],
    ['unknown', 3, 'erased 3 rows'],
  ] as const)(
    'a rerun after an attempt the store reports %s, finding %i rows, records %s',
    async (status, found, detail) => {
      const { requestId, taskId } = await setup();
      store.next = async (ctx) => {
        await ctx.beforeCommit?.(customers(3), 'tx-1');
        throw new StoreError('transient', 'ECONNRESET', 'connection lost');
      };
      expect((await attempt(requestId, taskId, 1))?.final).toBe(false);
      store.status = status;
      store.next = async (ctx) => {
        await ctx.beforeCommit?.(customers(found), 'tx-2');
        return customers(found);
      };
      expect(await attempt(requestId, taskId, 2)).toBeUndefined();
      expect(await state(requestId, taskId)).toMatchObject({ task: 'completed', detail });
    },
  );

  it('a rerun lost again after its own write-ahead still counts the first committed attempt', async () => {
    const { requestId, taskId } = await setup();
    const lostAfter = (rows: number, commit: string) => async (ctx: ErasureContext) => {
      await ctx.beforeCommit?.(customers(rows), commit);
      throw new StoreError('transient', 'ECONNRESET', 'connection lost');
    };
    store.next = lostAfter(5, 'tx-1');
    await attempt(requestId, taskId, 1);
    store.status = 'committed';
    store.next = lostAfter(0, 'tx-2');
    await attempt(requestId, taskId, 2);
    store.status = 'aborted';
    store.next = async (ctx) => {
      await ctx.beforeCommit?.(customers(0), 'tx-3');
      return customers(0);
    };
    await attempt(requestId, taskId, 3);
    expect((await state(requestId, taskId)).detail).toBe('erased 5 rows');
  });

  it("a run's retry reruns only the task left unfinished", async () => {
    const requestId = await insertRequest(ds, 'queued');
    const first = await insertTask(ds, requestId, await insertStore(ds));
    const second = await insertTask(ds, requestId, await insertStore(ds));
    let failing = true;
    store.next = () =>
      failing && store.calls === 2
        ? Promise.reject(new StoreError('transient', 'ECONNRESET', 'connection lost'))
        : erasesOneRow();
    const run = await runner.runTasks(requestId, undefined);
    expect(run.failures).toHaveLength(1);
    const failed = run.failures[0].taskId;
    const ok = failed === first ? second : first;
    expect(await state(requestId, ok)).toMatchObject({ task: 'completed', attempts: 1 });
    failing = false;
    expect(await runner.runTasks(requestId, undefined)).toEqual({ ran: true, failures: [] });
    expect(store.calls).toBe(3);
    expect(await state(requestId, ok)).toMatchObject({ task: 'completed', attempts: 1 });
    expect(await state(requestId, failed)).toMatchObject({
      request: 'in_progress',
      task: 'completed',
      attempts: 2,
    });
  });

  it("a run's tasks move the request to in_progress once, audited once", async () => {
    const requestId = await insertRequest(ds, 'queued');
    const taskId = await insertTask(ds, requestId, await insertStore(ds));
    await insertTask(ds, requestId, await insertStore(ds));
    await runner.runTasks(requestId, undefined);
    expect((await state(requestId, taskId)).events).toEqual([
      { action: 'privacy_request.in_progress', outcome: 'success', actor_type: 'system' },
    ]);
  });

  it("an erasure's run that completed every task hands its results over unrecorded", async () => {
    const { requestId, taskId } = await setup();
    const { finished } = await runner.runTasks(requestId, undefined, { handOver: true });
    expect(finished?.done).toEqual([expect.objectContaining({ taskId, detail: 'erased 1 rows' })]);
    expect((await state(requestId, taskId)).task).toBe('in_progress');
  });

  it('a run that leaves a task unfinished records its results itself', async () => {
    const { requestId, taskId } = await setup();
    await insertTask(ds, requestId, await insertStore(ds), 'completed');
    const waiting = await insertTask(ds, requestId, await insertStore(ds), 'completed');
    await ds.query(`UPDATE privacy_request_tasks SET status = 'waiting' WHERE id = $1`, [waiting]);
    const { finished } = await runner.runTasks(requestId, undefined, { handOver: true });
    expect(finished).toBeUndefined();
    expect((await state(requestId, taskId)).task).toBe('completed');
  });

  it('an erasure written ahead to PostgreSQL is not kept in the queue too', async () => {
    const { requestId } = await setup();
    const kept: string[] = [];
    store.next = async (ctx) => {
      await ctx.beforeCommit?.(customers(2), 'tx-1');
      return customers(2);
    };
    await runner.runTasks(requestId, undefined, {
      memo: {
        keep: (taskId) => {
          kept.push(taskId);
          return Promise.resolve();
        },
      },
    });
    expect(kept).toEqual([]);
  });

  it("an erasure its store ended as a deadlock's victim runs again at once, in the same attempt", async () => {
    const { requestId, taskId } = await setup();
    store.next = () =>
      store.calls === 1
        ? Promise.reject(
            new StoreError(
              'transient',
              '1213',
              'deadlock on customers (1213)',
              'customers',
              StoreFailure.Deadlock,
            ),
          )
        : erasesOneRow();
    expect(await attempt(requestId, taskId, 1)).toBeUndefined();
    expect(store.calls).toBe(2);
    expect(await state(requestId, taskId)).toMatchObject({ task: 'completed', attempts: 1 });
  });

  it('a job of a run that was replaced does nothing', async () => {
    const { requestId, taskId } = await setup();
    await ds.query('UPDATE privacy_requests SET generation = 3 WHERE id = $1', [requestId]);
    await runner.run(requestId, taskId, 2);
    expect(store.calls).toBe(0);
    expect(await state(requestId, taskId)).toMatchObject({ task: 'pending', attempts: 0 });
  });

  it('a permanent store error fails the task and its request on the first attempt', async () => {
    const { requestId, taskId } = await setup();
    store.next = () =>
      Promise.reject(
        new StoreError('permanent', '42501', 'permission denied on customers (42501)'),
      );
    const outcome = await attempt(requestId, taskId, 1);
    expect(outcome?.final).toBe(true);
    expect(await state(requestId, taskId)).toMatchObject({
      request: 'failed',
      task: 'failed',
      attempts: 1,
      detail: 'permission denied on customers (42501)',
    });
  });

  it('the failure of a request is audited with outcome failure, by system', async () => {
    const { requestId, taskId } = await setup();
    store.next = () => Promise.reject(new StoreError('permanent', '1451', 'fk (1451)'));
    await attempt(requestId, taskId, 1);
    expect((await state(requestId, taskId)).events).toEqual([
      { action: 'privacy_request.in_progress', outcome: 'success', actor_type: 'system' },
      { action: 'privacy_request.failed', outcome: 'failure', actor_type: 'system' },
    ]);
  });

  it('a transient store error leaves the task running for the next attempt', async () => {
    const { requestId, taskId } = await setup();
    store.next = () => Promise.reject(new StoreError('transient', '40P01', 'deadlock (40P01)'));
    const outcome = await attempt(requestId, taskId, 1);
    expect(outcome?.final).toBe(false);
    expect(await state(requestId, taskId)).toMatchObject({
      request: 'in_progress',
      task: 'in_progress',
      detail: 'deadlock (40P01)',
    });
  });

  it('a transient store error on the last allowed attempt fails the task', async () => {
    const { requestId, taskId } = await setup();
    store.next = () => Promise.reject(new StoreError('transient', '40P01', 'deadlock (40P01)'));
    const outcome = await attempt(requestId, taskId, 5);
    expect(outcome?.final).toBe(true);
    expect(await state(requestId, taskId)).toMatchObject({ request: 'failed', task: 'failed' });
  });

  it('an error no code explains is retried, and its message is not kept', async () => {
    const { requestId, taskId } = await setup();
    store.next = () => Promise.reject(new Error('value subject@example.com rejected'));
    const outcome = await attempt(requestId, taskId, 1);
    expect(outcome?.final).toBe(false);
    expect((await state(requestId, taskId)).detail).toBe('store error (Error)');
  });

  it('a task that fails for good after its request failed is audited on its own, as failure', async () => {
    const { requestId, taskId } = await setup('in_progress');
    await ds.query(`UPDATE privacy_requests SET status = 'failed' WHERE id = $1`, [requestId]);
    await runner.recordFailure(
      requestId,
      taskId,
      new StoreError('permanent', '42501', 'permission denied on orders (42501)'),
      { made: 1, last: false },
    );
    expect((await state(requestId, taskId)).events).toEqual([
      { action: 'privacy_request.task_failed', outcome: 'failure', actor_type: 'system' },
    ]);
  });
});
