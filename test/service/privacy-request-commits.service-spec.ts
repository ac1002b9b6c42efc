import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import type { AppConfig } from 'src/config/app-config';
import { destroySubjectKeysAfterChange } from 'src/crypto/key-store/postgres.key-store';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestError } from 'src/privacy-requests/privacy-request.error';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import {
  deleteStore,
  insertRequest,
  insertStore,
  insertTask,
  serviceDataSource,
  withStoresToItself,
} from './support/database';

const AUDIT_KEY = { masterKey: Buffer.alloc(32, 1) } as AppConfig;
const AUTO_APPROVAL = { privacyRequests: { approval: 'auto' } } as AppConfig;

describe('PrivacyRequestCommits', () => {
  let ds: DataSource;
  let repo: PrivacyRequestRepository;
  let commits: PrivacyRequestCommits;

  beforeAll(async () => {
    ds = await serviceDataSource();
    repo = new PrivacyRequestRepository(ds);
    commits = new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), AUTO_APPROVAL);
  });
  afterAll(() => ds.destroy());

  const events = (id: string) =>
    ds.query<Array<{ action: string; outcome: string; actor_type: string }>>(
      `SELECT action, outcome, actor_type FROM audit_events
        WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
      [id],
    );
  const request = (id: string) => ({ id, type: 'erasure' as const });

  it('a guarded transition moves the request and records one event', async () => {
    const id = await insertRequest(ds, 'queued');
    expect(await commits.transition(SYSTEM, request(id), 'queued', 'in_progress')).toBe(true);
    expect(await repo.findStatus(id)).toBe('in_progress');
    expect((await events(id)).map((e) => e.action)).toEqual(['privacy_request.in_progress']);
  });

  it('a guarded transition loses to a concurrent one and records nothing', async () => {
    const id = await insertRequest(ds, 'queued');
    const moves = await Promise.all(
      Array.from({ length: 6 }, () =>
        commits.transition(SYSTEM, request(id), 'queued', 'in_progress'),
      ),
    );
    expect(moves.filter(Boolean)).toHaveLength(1);
    expect(await events(id)).toHaveLength(1);
  });

  it('a guarded transition from a status the request has left does not move it', async () => {
    const id = await insertRequest(ds, 'rejected');
    expect(await commits.transition(SYSTEM, request(id), 'queued', 'in_progress')).toBe(false);
    expect(await repo.findStatus(id)).toBe('rejected');
    expect(await events(id)).toEqual([]);
  });

  it('a transition not allowed is refused before the row is touched', async () => {
    const id = await insertRequest(ds, 'completed');
    await expect(commits.transition(SYSTEM, request(id), 'completed', 'queued')).rejects.toThrow(
      PrivacyRequestError,
    );
    expect(await repo.findStatus(id)).toBe('completed');
    expect(await events(id)).toEqual([]);
  });

  it('work the service does on its own is audited as system, never anonymous', async () => {
    const id = await insertRequest(ds, 'queued');
    await commits.transition(SYSTEM, request(id), 'queued', 'in_progress');
    expect((await events(id)).map((e) => e.actor_type)).toEqual(['system']);
  });

  it('a request that fails is audited with outcome failure', async () => {
    const id = await insertRequest(ds, 'in_progress');
    await repo.transaction(async (m) => {
      const locked = await repo.lockById(m, id);
      await commits.setStatus(m, SYSTEM, locked!, 'failed', { reason: 'denied (42501)' });
    });
    expect(await events(id)).toEqual([
      { action: 'privacy_request.failed', outcome: 'failure', actor_type: 'system' },
    ]);
  });

  describe('a run that completed every task', () => {
    const setup = async (left: 'none' | 'one' = 'none') => {
      const id = await insertRequest(ds, 'in_progress');
      const done = [
        await insertTask(ds, id, await insertStore(ds), 'in_progress'),
        await insertTask(ds, id, await insertStore(ds), 'in_progress'),
      ];
      if (left === 'one') {
        await insertTask(ds, id, await insertStore(ds), 'pending');
      }
      const ref = `ref-${randomUUID()}`;
      const [{ generation }] = await ds.query<Array<{ generation: number }>>(
        'SELECT generation FROM privacy_requests WHERE id = $1',
        [id],
      );
      return { id, done, ref, generation };
    };
    const complete = (
      run: Awaited<ReturnType<typeof setup>>,
      generation = run.generation,
      held = false,
    ) =>
      commits.completeRun(
        {
          id: run.id,
          type: 'erasure',
          generation,
          tasks: 2,
          done: run.done.map((taskId) => ({
            taskId,
            result: { collections: [] },
            detail: 'erased 1 rows',
          })),
        },
        'in_progress',
        (first) => {
          const shred = destroySubjectKeysAfterChange([run.ref], new Date(), first + 1);
          return {
            holdIf: `$${first}::boolean`,
            then: shred.then,
            params: [held, ...shred.params],
          };
        },
      );
    const outcome = async (run: Awaited<ReturnType<typeof setup>>) => ({
      request: await repo.findStatus(run.id),
      tasks: (
        await ds.query<Array<{ status: string; detail: string | null }>>(
          `SELECT status, detail FROM privacy_request_tasks WHERE id = ANY($1) ORDER BY id`,
          [run.done],
        )
      ).map((t) => `${t.status}: ${t.detail}`),
      events: (await events(run.id)).map((e) => e.action),
      shredded: (
        await ds.query<unknown[]>(
          `SELECT 1 FROM subject_keys WHERE subject_ref = $1 AND status = 'shredded'`,
          [run.ref],
        )
      ).length,
    });

    it('records the results, completes the request and runs its own step in one audited statement', async () => {
      const run = await setup();
      expect(await complete(run)).toEqual({ moved: true, kept: expect.any(Array) });
      expect(await outcome(run)).toEqual({
        request: 'completed',
        tasks: ['completed: erased 1 rows', 'completed: erased 1 rows'],
        events: ['privacy_request.completed'],
        shredded: 1,
      });
    });

    it('with a task of its request left unfinished records the results only', async () => {
      const run = await setup('one');
      expect((await complete(run)).moved).toBe(false);
      expect(await outcome(run)).toEqual({
        request: 'in_progress',
        tasks: ['completed: erased 1 rows', 'completed: erased 1 rows'],
        events: [],
        shredded: 0,
      });
    });

    it('of a run that was replaced records the results only', async () => {
      const run = await setup();
      expect((await complete(run, run.generation + 1)).moved).toBe(false);
      expect(await outcome(run)).toMatchObject({ request: 'in_progress', events: [], shredded: 0 });
    });

    it("held back by its step's condition records the results only", async () => {
      const run = await setup();
      expect((await complete(run, run.generation, true)).moved).toBe(false);
      expect(await outcome(run)).toMatchObject({ request: 'in_progress', events: [], shredded: 0 });
    });

    it("keeps a task's result recorded before, and says which it kept", async () => {
      const run = await setup();
      await ds.query(
        `UPDATE privacy_request_tasks SET status = 'completed', detail = 'erased 3 rows'
          WHERE id = $1`,
        [run.done[0]],
      );
      expect((await complete(run)).kept).toEqual([run.done[1]]);
      expect((await outcome(run)).tasks).toContain('completed: erased 3 rows');
    });
  });

  describe('a request its caller vouches for', () => {
    const filed = (type: 'erasure' | 'opt_out_sale' = 'erasure') =>
      repo.build({
        id: randomUUID(),
        type,
        jurisdiction: 'GDPR',
        source: 'service',
        status: 'pending_verification',
        subjectCiphertext: 'sealed',
        correctionsCiphertext: null,
        receivedAt: new Date(),
        dueAt: new Date(Date.now() + 30 * 86400000),
        dueRule: 'gdpr-1-calendar-month',
        acknowledgeBy: null,
        acknowledgeRule: null,
        acknowledgedAt: null,
        extendedDueAt: null,
        extendedRule: null,
        extensionReason: null,
        completedAt: null,
        failureReason: null,
        verificationCodeHash: null,
        verificationExpiresAt: null,
        verificationAttempts: 0,
        generation: 0,
        webhookUrl: null,
        exportPath: null,
        exportChecksum: null,
        exportExpiresAt: null,
        requestedBy: null,
        notify: false,
        statusTokenHash: null,
      });
    const tasksOf = (id: string) =>
      ds.query<Array<{ data_store_id: string; data_store_name: string }>>(
        `SELECT data_store_id, data_store_name FROM privacy_request_tasks WHERE request_id = $1`,
        [id],
      );
    const registered = () =>
      ds.query<Array<{ id: string; name: string }>>('SELECT id, name FROM data_stores');
    const insertQueued = async (c: PrivacyRequestCommits, type?: 'erasure' | 'opt_out_sale') => {
      const request = filed(type);
      await c.insertQueued(SYSTEM, request);
      const events = await ds.query<Array<{ details: { tasks: number } }>>(
        `SELECT details FROM audit_events WHERE target_type = 'privacy_request' AND target_id = $1`,
        [request.id],
      );
      const tasks = await tasksOf(request.id);
      expect(events.map((e) => e.details.tasks)).toEqual([tasks.length]);
      return { id: request.id, tasks };
    };

    it('has a task per registered store, kept up to date as stores come, change and go', () =>
      withStoresToItself(ds, async (stores) => {
        const c = new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), AUTO_APPROVAL);
        const reads = jest.spyOn(repo, 'findStores');
        try {
          const first = await insertQueued(c);
          expect(first.tasks.map((t) => t.data_store_id).sort()).toEqual(
            (await registered()).map((s) => s.id).sort(),
          );
          await insertQueued(c);
          // The second request's tasks came from the first one's reading, checked in its statement.
          expect(reads).toHaveBeenCalledTimes(1);

          const added = await insertStore(stores, 'http');
          const withAdded = await insertQueued(c);
          expect(withAdded.tasks).toContainEqual({
            data_store_id: added.id,
            data_store_name: added.name,
          });
          expect(reads).toHaveBeenCalledTimes(2);

          const renamed = `${added.name}-renamed`;
          await stores.query('UPDATE data_stores SET name = $2 WHERE id = $1', [added.id, renamed]);
          expect((await insertQueued(c)).tasks).toContainEqual({
            data_store_id: added.id,
            data_store_name: renamed,
          });

          await stores.query(`UPDATE data_stores SET type = 'postgres' WHERE id = $1`, [added.id]);
          // An opt-out has tasks only in http and manual stores.
          const optOut = await insertQueued(c, 'opt_out_sale');
          expect(optOut.tasks.map((t) => t.data_store_id)).not.toContain(added.id);

          await deleteStore(stores, added.id);
          const without = await insertQueued(c);
          expect(without.tasks.map((t) => t.data_store_id)).not.toContain(added.id);
          expect(without.tasks.map((t) => t.data_store_id).sort()).toEqual(
            (await registered()).map((s) => s.id).sort(),
          );
        } finally {
          reads.mockRestore();
        }
      }));
  });

  describe('with REQUEST_APPROVAL=manual', () => {
    const manual = () =>
      new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), {
        privacyRequests: { approval: 'manual' },
      } as AppConfig);
    const verify = async (type: 'access' | 'opt_out_sale'): Promise<string> => {
      const id = await insertRequest(ds, 'pending_verification', { type });
      await repo.transaction(async (m) => {
        const locked = await repo.lockById(m, id);
        await manual().queue(m, SYSTEM, locked!);
      });
      return id;
    };

    it('a request verified by its code waits for approval', async () => {
      const id = await verify('access');
      expect(await repo.findStatus(id)).toBe('pending_approval');
      expect((await events(id)).map((e) => e.action)).toEqual(['privacy_request.pending_approval']);
    });

    it('a verified opt-out of sale is queued at once', async () => {
      const id = await verify('opt_out_sale');
      expect(await repo.findStatus(id)).toBe('queued');
    });
  });
});
