import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { AppConfig } from 'src/config/app-config';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import {
  deleteStore,
  insertRequest,
  insertStore,
  insertTask,
  serviceDataSource,
} from './support/database';

describe('PrivacyRequestRepository', () => {
  let ds: DataSource;
  let repo: PrivacyRequestRepository;
  let commits: PrivacyRequestCommits;
  /** The run's load, which is an audited statement (it may also move the request). */
  const loadAndStartRun = (requestId: string, generation?: number, only?: string) =>
    commits.loadAndStartRun(requestId, generation, { only });

  beforeAll(async () => {
    ds = await serviceDataSource();
    repo = new PrivacyRequestRepository(ds);
    const config = { masterKey: Buffer.alloc(32, 1) } as AppConfig;
    commits = new PrivacyRequestCommits(repo, new AuditService(ds, config), config);
  });
  afterAll(() => ds.destroy());

  const task = async (id: string) =>
    (
      await ds.query<Array<{ status: string; attempts: number }>>(
        'SELECT status, attempts FROM privacy_request_tasks WHERE id = $1',
        [id],
      )
    )[0];

  it('starting a pending task of an active request counts the attempt and marks it in progress', async () => {
    const store = await insertStore(ds);
    const requestId = await insertRequest(ds, 'queued');
    const taskId = await insertTask(ds, requestId, store);
    const work = await loadAndStartRun(requestId);
    expect(work).toMatchObject({
      status: 'queued',
      tasks: [{ taskId, taskStatus: 'pending', dataStoreId: store.id }],
    });
    expect(await task(taskId)).toEqual({ status: 'in_progress', attempts: 1 });
  });

  it('a completed task is never started again', async () => {
    const store = await insertStore(ds);
    const requestId = await insertRequest(ds, 'in_progress');
    const taskId = await insertTask(ds, requestId, store, 'completed');
    const work = await loadAndStartRun(requestId);
    expect(work?.tasks[0].taskStatus).toBe('completed');
    expect(await task(taskId)).toEqual({ status: 'completed', attempts: 0 });
  });

  it('a task of a request that is no longer active is not started', async () => {
    const store = await insertStore(ds);
    const requestId = await insertRequest(ds, 'rejected');
    const taskId = await insertTask(ds, requestId, store);
    await loadAndStartRun(requestId);
    expect(await task(taskId)).toEqual({ status: 'pending', attempts: 0 });
  });

  it('a task is found only under its own request', async () => {
    const store = await insertStore(ds);
    const requestId = await insertRequest(ds, 'queued');
    const taskId = await insertTask(ds, requestId, store);
    const other = await insertRequest(ds, 'queued');
    expect((await loadAndStartRun(other, undefined, taskId))?.tasks).toEqual([]);
    expect(await task(taskId)).toEqual({ status: 'pending', attempts: 0 });
  });

  it('a removed store leaves the task without a store version', async () => {
    const store = await insertStore(ds);
    const requestId = await insertRequest(ds, 'queued');
    const taskId = await insertTask(ds, requestId, store);
    await deleteStore(ds, store.id);
    const work = await loadAndStartRun(requestId);
    expect(work?.tasks).toEqual([
      expect.objectContaining({ taskId, dataStoreId: null, storeVersion: null }),
    ]);
  });

  it('starting a run starts every unfinished task of the request in one go, and only those', async () => {
    const requestId = await insertRequest(ds, 'in_progress');
    const pending = await insertTask(ds, requestId, await insertStore(ds), 'pending');
    const failed = await insertTask(ds, requestId, await insertStore(ds), 'failed');
    const done = await insertTask(ds, requestId, await insertStore(ds), 'completed');
    const work = await loadAndStartRun(requestId);
    expect(work?.tasks.map((t) => t.taskId).sort()).toEqual([pending, failed, done].sort());
    expect(await task(pending)).toEqual({ status: 'in_progress', attempts: 1 });
    expect(await task(failed)).toEqual({ status: 'in_progress', attempts: 1 });
    expect(await task(done)).toEqual({ status: 'completed', attempts: 0 });
  });

  it('a job of a replaced run starts nothing', async () => {
    const requestId = await insertRequest(ds, 'queued');
    const taskId = await insertTask(ds, requestId, await insertStore(ds));
    await ds.query('UPDATE privacy_requests SET generation = 2 WHERE id = $1', [requestId]);
    expect((await loadAndStartRun(requestId, 1))?.generation).toBe(2);
    expect(await task(taskId)).toEqual({ status: 'pending', attempts: 0 });
  });

  const moves = async (requestId: string) => ({
    status: (
      await ds.query<Array<{ status: string }>>(
        'SELECT status FROM privacy_requests WHERE id = $1',
        [requestId],
      )
    )[0].status,
    events: await ds.query<Array<{ action: string; details: object }>>(
      `SELECT action, details FROM audit_events
        WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
      [requestId],
    ),
  });

  it("a run's load told the request's type moves it to in_progress, audited with the type", async () => {
    const requestId = await insertRequest(ds, 'queued');
    await insertTask(ds, requestId, await insertStore(ds));
    const work = await commits.loadAndStartRun(requestId, undefined, { type: 'erasure' });
    expect(work).toMatchObject({ status: 'queued', moved: true });
    expect(await moves(requestId)).toEqual({
      status: 'in_progress',
      events: [
        {
          action: 'privacy_request.in_progress',
          details: { from: 'queued', to: 'in_progress', type: 'erasure' },
        },
      ],
    });
  });

  it("a run's load that starts no task leaves the request queued, unaudited", async () => {
    const requestId = await insertRequest(ds, 'queued');
    await insertTask(ds, requestId, await insertStore(ds));
    await ds.query('UPDATE privacy_requests SET generation = 2 WHERE id = $1', [requestId]);
    const work = await commits.loadAndStartRun(requestId, 1, { type: 'erasure' });
    expect(work?.moved).toBe(false);
    expect(await moves(requestId)).toEqual({ status: 'queued', events: [] });
  });

  it('completing tasks together keeps a result already recorded', async () => {
    const requestId = await insertRequest(ds, 'in_progress');
    const first = await insertTask(ds, requestId, await insertStore(ds), 'in_progress');
    const second = await insertTask(ds, requestId, await insertStore(ds), 'in_progress');
    const erased = (rows: number) => ({
      result: { collections: [{ collection: 'customers', action: 'deleted', rows }] },
      detail: `erased ${rows} rows`,
    });
    expect(await repo.completeTasks([{ taskId: first, ...erased(3) }])).toEqual([first]);
    const kept = await repo.completeTasks([
      { taskId: first, ...erased(0) },
      { taskId: second, ...erased(2) },
    ]);
    expect(kept).toEqual([second]);
    const rows = await ds.query<Array<{ id: string; detail: string; status: string }>>(
      'SELECT id, detail, status FROM privacy_request_tasks WHERE request_id = $1',
      [requestId],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.detail]]))).toEqual({
      [first]: ['completed', 'erased 3 rows'],
      [second]: ['completed', 'erased 2 rows'],
    });
  });

  it('results of one task arriving together keep only the first', async () => {
    const requestId = await insertRequest(ds, 'in_progress');
    const taskId = await insertTask(ds, requestId, await insertStore(ds), 'in_progress');
    const erased = (rows: number) => ({
      taskId,
      result: { collections: [{ collection: 'customers', action: 'deleted', rows }] },
      detail: `erased ${rows} rows`,
    });
    const [first, second] = await Promise.all([
      repo.completeTasks([erased(5)]),
      repo.completeTasks([erased(0)]),
    ]);
    expect([first, second]).toEqual([[taskId], []]);
    const [row] = await ds.query<Array<{ detail: string }>>(
      'SELECT detail FROM privacy_request_tasks WHERE id = $1',
      [taskId],
    );
    expect(row.detail).toBe('erased 5 rows');
  });

  it('write-ahead records made together are each kept', async () => {
    const requestId = await insertRequest(ds, 'in_progress');
    const tasks = [
      await insertTask(ds, requestId, await insertStore(ds), 'in_progress'),
      await insertTask(ds, requestId, await insertStore(ds), 'in_progress'),
    ];
    await Promise.all(
      tasks.map((taskId, i) =>
        repo.recordPendingOutcome(taskId, {
          outcome: { result: { collections: [] }, detail: `erased ${i} rows` },
          commit: `tx-${i}`,
        }),
      ),
    );
    const rows = await ds.query<Array<{ id: string; commit: string }>>(
      `SELECT id, pending_outcome->>'commit' AS commit FROM privacy_request_tasks
        WHERE request_id = $1`,
      [requestId],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.commit]))).toEqual({
      [tasks[0]]: 'tx-0',
      [tasks[1]]: 'tx-1',
    });
  });

  it('a non-final failure keeps the task running; a final one fails it', async () => {
    const store = await insertStore(ds);
    const requestId = await insertRequest(ds, 'in_progress');
    const taskId = await insertTask(ds, requestId, store, 'in_progress');
    await repo.transaction((m) => repo.recordTaskFailure(m, taskId, 'deadlock on orders', false));
    expect((await task(taskId)).status).toBe('in_progress');
    await repo.transaction((m) => repo.recordTaskFailure(m, taskId, 'denied on orders', true));
    expect((await task(taskId)).status).toBe('failed');
  });

  it('the unfinished tasks of a run are the ones not completed', async () => {
    const requestId = await insertRequest(ds, 'in_progress');
    const ids = {
      pending: await insertTask(ds, requestId, await insertStore(ds), 'pending'),
      running: await insertTask(ds, requestId, await insertStore(ds), 'in_progress'),
      failed: await insertTask(ds, requestId, await insertStore(ds), 'failed'),
      done: await insertTask(ds, requestId, await insertStore(ds), 'completed'),
    };
    expect((await repo.findUnfinishedTaskIds(requestId)).sort()).toEqual(
      [ids.pending, ids.running, ids.failed].sort(),
    );
  });

  it('a new run of a failed request sets its failed tasks pending and bumps the generation', async () => {
    const requestId = await insertRequest(ds, 'failed');
    const failed = await insertTask(ds, requestId, await insertStore(ds), 'failed');
    const done = await insertTask(ds, requestId, await insertStore(ds), 'completed');
    await repo.transaction((m) => repo.startNewRun(m, requestId, 1));
    expect((await task(failed)).status).toBe('pending');
    expect((await task(done)).status).toBe('completed');
    expect((await repo.findById(requestId))?.generation).toBe(1);
  });

  it('active requests are the queued and in-progress ones, each with its run state', async () => {
    const ids = {
      pending_verification: await insertRequest(ds, 'pending_verification'),
      queued: await insertRequest(ds, 'queued'),
      in_progress: await insertRequest(ds, 'in_progress'),
      completed: await insertRequest(ds, 'completed'),
      failed: await insertRequest(ds, 'failed'),
      rejected: await insertRequest(ds, 'rejected'),
    };
    const pending = await insertTask(ds, ids.in_progress, await insertStore(ds), 'pending');
    const failed = await insertTask(ds, ids.in_progress, await insertStore(ds), 'failed');
    const mine = new Set(Object.values(ids));
    const active = (await repo.findActiveRuns(10000)).filter((r) => mine.has(r.id));
    expect(active.map((r) => r.id).sort()).toEqual([ids.queued, ids.in_progress].sort());
    for (const listed of active) {
      // As the reconciler's fresh read of each would find it.
      const { tasks, ...run } = (await repo.findRunState(listed.id))!;
      expect(listed).toEqual({
        id: listed.id,
        type: (await repo.findById(listed.id))!.type,
        ...run,
        tasks: expect.arrayContaining(tasks) as unknown,
      });
      expect(listed.tasks).toHaveLength(tasks.length);
    }
    expect(active.find((r) => r.id === ids.in_progress)?.tasks).toEqual(
      expect.arrayContaining([
        { id: pending, status: 'pending' },
        { id: failed, status: 'failed' },
      ]),
    );
    expect(active.find((r) => r.id === ids.queued)?.tasks).toEqual([]);
  });

  it("the finishing step's read holds the request and its tasks by store name", async () => {
    const requestId = await insertRequest(ds, 'in_progress', { type: 'access' });
    const stores = [await insertStore(ds), await insertStore(ds), await insertStore(ds)];
    const ids = [
      await insertTask(ds, requestId, stores[0], 'completed'),
      await insertTask(ds, requestId, stores[1], 'failed'),
      await insertTask(ds, requestId, stores[2], 'pending'),
    ];
    await ds.query(`UPDATE privacy_request_tasks SET result = $2 WHERE id = $1`, [
      ids[0],
      JSON.stringify({ exported: [] }),
    ]);
    await ds.query(
      `UPDATE privacy_requests SET notify = true, webhook_url = 'sealed-url', generation = 3
        WHERE id = $1`,
      [requestId],
    );
    const found = await repo.findFinishWork(requestId);
    const row = (await repo.findById(requestId))!;
    expect(found?.request).toEqual({
      id: requestId,
      type: 'access',
      status: 'in_progress',
      generation: 3,
      subjectCiphertext: 'sealed',
      notify: true,
      webhookUrl: 'sealed-url',
      jurisdiction: 'GDPR',
      receivedAt: row.receivedAt,
    });
    const byName = [0, 1, 2].sort((a, b) => (stores[a].name < stores[b].name ? -1 : 1));
    expect(found?.tasks).toEqual(
      byName.map((i) => ({
        id: ids[i],
        status: ['completed', 'failed', 'pending'][i],
        dataStoreId: stores[i].id,
        dataStoreName: stores[i].name,
        result: i === 0 ? { exported: [] } : {},
      })),
    );
    const alone = await insertRequest(ds, 'queued');
    expect((await repo.findFinishWork(alone))?.tasks).toEqual([]);
    expect(await repo.findFinishWork('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('only open requests past their due date are overdue', async () => {
    const past = new Date(Date.now() - 86400000);
    const openLate = await insertRequest(ds, 'queued', { dueAt: past });
    const closedLate = await insertRequest(ds, 'completed', { dueAt: past });
    const rows = await repo.list({
      overdue: true,
      dueBefore: new Date().toISOString(),
      limit: 10000,
    });
    const ids = rows.map((r) => r.id);
    expect(ids).toContain(openLate);
    expect(ids).not.toContain(closedLate);
    expect(rows.find((r) => r.id === openLate)?.overdue).toBe(true);
  });

  it('the list pages by due date then id, after the cursor', async () => {
    const due = new Date(Date.now() + 400 * 86400000);
    const a = await insertRequest(ds, 'queued', { dueAt: due });
    const b = await insertRequest(ds, 'queued', { dueAt: due });
    const [first, second] = [a, b].sort();
    const rows = await repo.list({
      after: { due: due.toISOString(), id: first },
      dueBefore: new Date(due.getTime() + 1).toISOString(),
      limit: 10000,
    });
    const ids = rows.map((r) => r.id);
    expect(ids).toContain(second);
    expect(ids).not.toContain(first);
  });
});
