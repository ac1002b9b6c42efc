import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { deriveChainKey, GENESIS_HASH, keyedChainHash } from 'src/audit/audit-chain';
import { AuditService } from 'src/audit/audit.service';
import { grantedToAnyOf } from 'src/consent/ledger/consent-ledger.repository';
import type { AppConfig } from 'src/config/app-config';
import { destroySubjectKeysAfterChange } from 'src/crypto/key-store/postgres.key-store';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import type { OutboxEntry } from 'src/privacy-requests/notifications/subject-mail.types';
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
  /** Every event links to the one before it, and those under this key hash as the chain says. */
  const expectChainIntact = async () => {
    const rows = await ds.query<
      Array<{
        id: string;
        occurred_at: Date;
        actor_type: string;
        actor_id: string | null;
        action: string;
        target_type: string | null;
        target_id: string | null;
        outcome: string;
        request_id: string | null;
        details: Record<string, unknown>;
        prev_hash: string;
        hash: string;
        chain_key: string | null;
      }>
    >(`SELECT * FROM audit_events ORDER BY seq`);
    const { id: keyId, key } = deriveChainKey(AUDIT_KEY.masterKey);
    let prev = GENESIS_HASH;
    let checked = 0;
    for (const e of rows) {
      expect(e.prev_hash).toBe(prev);
      if (e.chain_key === keyId) {
        const event = {
          id: e.id,
          occurredAt: e.occurred_at,
          actorType: e.actor_type,
          actorId: e.actor_id,
          action: e.action,
          targetType: e.target_type,
          targetId: e.target_id,
          outcome: e.outcome,
          requestId: e.request_id,
          details: e.details,
        };
        expect(e.hash).toBe(keyedChainHash(key, e.prev_hash, event));
        checked++;
      }
      prev = e.hash;
    }
    expect(checked).toBeGreaterThan(0);
  };

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

  it('runs loading at once share one statement: each queued request started and audited on its own, one moved on or replaced left as it is', async () => {
    const queued = async (status: 'queued' | 'failed' = 'queued') => {
      const id = await insertRequest(ds, status);
      const task = await insertTask(ds, id, await insertStore(ds));
      return { id, task };
    };
    const [a, b, movedOn, replaced] = await Promise.all([
      queued(),
      queued(),
      queued('failed'),
      queued(),
    ]);
    const missing = randomUUID();
    const statements = jest.spyOn(repo, 'loadAndStartChange');
    const loads = await Promise.all([
      commits.loadAndStartRun(a.id, 0, { type: 'erasure' }),
      commits.loadAndStartRun(b.id.toUpperCase(), undefined, { type: 'erasure' }),
      commits.loadAndStartRun(movedOn.id, 0, { type: 'erasure' }),
      commits.loadAndStartRun(replaced.id, 1, { type: 'erasure' }),
      commits.loadAndStartRun(missing, 0, { type: 'erasure' }),
    ]);
    expect(statements).toHaveBeenCalledTimes(1);
    statements.mockRestore();
    expect(loads.map((w) => w && [w.status, w.moved, w.tasks.map((t) => t.taskId)])).toEqual([
      ['queued', true, [a.task]],
      ['queued', true, [b.task]],
      ['failed', false, [movedOn.task]],
      ['queued', false, [replaced.task]],
      undefined,
    ]);
    const taskStates = async (r: { id: string; task: string }) =>
      (
        await ds.query<Array<{ status: string; attempts: number }>>(
          'SELECT status, attempts FROM privacy_request_tasks WHERE id = $1',
          [r.task],
        )
      ).map((t) => `${t.status} ${t.attempts}`);
    for (const r of [a, b]) {
      expect(await repo.findStatus(r.id)).toBe('in_progress');
      expect(await taskStates(r)).toEqual(['in_progress 1']);
      expect((await events(r.id)).map((e) => e.action)).toEqual(['privacy_request.in_progress']);
    }
    for (const [r, status] of [
      [movedOn, 'failed'],
      [replaced, 'queued'],
    ] as const) {
      expect(await repo.findStatus(r.id)).toBe(status);
      expect(await taskStates(r)).toEqual(['pending 0']);
      expect(await events(r.id)).toEqual([]);
    }
    await expectChainIntact();
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
    type Run = Awaited<ReturnType<typeof setup>>;
    /** Runs completing in one statement; a run is held back by a grant of its subject's consent. */
    const completeAll = (runs: Array<{ run: Run; generation?: number; mail?: OutboxEntry }>) =>
      commits.completeRuns(
        runs.map(({ run, generation, mail }) => ({
          id: run.id,
          type: 'erasure' as const,
          generation: generation ?? run.generation,
          tasks: 2,
          done: run.done.map((taskId) => ({
            taskId,
            result: { collections: [] },
            detail: 'erased 1 rows',
          })),
          mail,
        })),
        'in_progress',
        (first) => {
          const refs = runs.map(({ run }) => ({ row: run.id, ref: run.ref }));
          const shred = destroySubjectKeysAfterChange(refs, new Date(), first + 2);
          return {
            holdIf: `EXISTS (${grantedToAnyOf(first, 'r.id')})`,
            then: shred.then,
            params: [refs.map((r) => r.ref), refs.map((r) => r.row), ...shred.params],
          };
        },
      );
    const complete = async (run: Run, generation = run.generation) =>
      (await completeAll([{ run, generation }]))[0];
    const grantConsent = async (run: Run) => {
      const purpose = `p-${randomUUID()}`;
      await ds.query(
        `INSERT INTO consent_purposes (key, version, name, description, legal_basis)
         VALUES ($1, 1, 'test', 'test', 'consent')`,
        [purpose],
      );
      await ds.query(
        `INSERT INTO consent_states (subject_ref, purpose_key, granted, purpose_version, source,
                                     recorded_at, receipt_id, last_seq)
         VALUES ($1, $2, true, 1, 'api', now(), $3, 1)`,
        [run.ref, purpose, randomUUID()],
      );
    };
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
      await grantConsent(run);
      expect((await complete(run)).moved).toBe(false);
      expect(await outcome(run)).toMatchObject({ request: 'in_progress', events: [], shredded: 0 });
    });

    it('several in one statement: each request completed and audited on its own, those held back or moved on left as they are, the chain intact', async () => {
      const [a, b, held, movedOn, replaced] = await Promise.all(
        Array.from({ length: 5 }, () => setup()),
      );
      await grantConsent(held);
      await ds.query(`UPDATE privacy_requests SET status = 'failed' WHERE id = $1`, [movedOn.id]);
      const mail = (): OutboxEntry => ({
        id: randomUUID(),
        kind: 'completion',
        details: {},
        reasonCiphertext: null,
      });
      const completions = await completeAll([
        { run: a, mail: mail() },
        { run: held, mail: mail() },
        { run: b },
        { run: movedOn, mail: mail() },
        { run: replaced, generation: replaced.generation + 1 },
      ]);
      expect(completions.map((c) => c.moved)).toEqual([true, false, true, false, false]);
      expect(completions.map((c) => c.kept.length)).toEqual([2, 2, 2, 2, 2]);
      for (const run of [a, b]) {
        expect(await outcome(run)).toEqual({
          request: 'completed',
          tasks: ['completed: erased 1 rows', 'completed: erased 1 rows'],
          events: ['privacy_request.completed'],
          shredded: 1,
        });
      }
      for (const [run, request] of [
        [held, 'in_progress'],
        [movedOn, 'failed'],
        [replaced, 'in_progress'],
      ] as const) {
        expect(await outcome(run)).toEqual({
          request,
          tasks: ['completed: erased 1 rows', 'completed: erased 1 rows'],
          events: [],
          shredded: 0,
        });
      }
      const mailed = await ds.query<Array<{ request_id: string }>>(
        `SELECT request_id FROM subject_mail_outbox WHERE request_id = ANY($1)`,
        [[a, b, held, movedOn, replaced].map((r) => r.id)],
      );
      expect(mailed.map((m) => m.request_id)).toEqual([a.id]);
      await expectChainIntact();
    });

    it('two runs of one request never share a statement', async () => {
      const run = await setup();
      await expect(completeAll([{ run }, { run }])).rejects.toThrow();
      expect(await outcome(run)).toMatchObject({ request: 'in_progress', events: [] });
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
