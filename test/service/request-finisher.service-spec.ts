import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { AppConfig } from 'src/config/app-config';
import { grantedToAnyOf } from 'src/consent/ledger/consent-ledger.repository';
import type { ConsentLedgerService } from 'src/consent/ledger/consent-ledger.service';
import { destroySubjectKeysAfterChange } from 'src/crypto/key-store/postgres.key-store';
import type { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import type { ExportPackageBuilder } from 'src/privacy-requests/export/export-package.builder';
import type { SubjectMailOutbox } from 'src/privacy-requests/notifications/subject-mail-outbox.service';
import { PrivacyRequestCommits } from 'src/privacy-requests/privacy-request-commit.service';
import { PrivacyRequestRepository } from 'src/privacy-requests/privacy-request.repository';
import type { SubjectProtector } from 'src/privacy-requests/subject-protector.service';
import { RequestFinisher } from 'src/privacy-requests/workflow/request-finisher.service';
import type { FinishedRun } from 'src/privacy-requests/workflow/task-runner.service';
import { insertRequest, insertStore, insertTask, serviceDataSource } from './support/database';

const AUDIT_KEY = { masterKey: Buffer.alloc(32, 1) } as AppConfig;
const AUTO_APPROVAL = { privacyRequests: { approval: 'auto' } } as AppConfig;

/** A subject's ref, as the consent ledger and the key store would compute it: here, its id. */
const refsOf = (subjects: Array<{ row: string; subjectIds: string[] }>) =>
  subjects.flatMap(({ row, subjectIds }) => subjectIds.map((ref) => ({ row, ref })));

describe('RequestFinisher: erasure runs finishing together', () => {
  let ds: DataSource;
  let repo: PrivacyRequestRepository;
  let commits: PrivacyRequestCommits;
  let finisher: RequestFinisher;
  const shredded = jest.fn(() => Promise.resolve());

  beforeAll(async () => {
    ds = await serviceDataSource();
    repo = new PrivacyRequestRepository(ds);
    commits = new PrivacyRequestCommits(repo, new AuditService(ds, AUDIT_KEY), AUTO_APPROVAL);
    const consent = {
      grantedCondition: (
        subjects: Array<{ row: string; subjectIds: string[] }>,
        first: number,
        row: string,
      ) => {
        const refs = refsOf(subjects);
        return {
          sql: `EXISTS (${grantedToAnyOf(first, row)})`,
          params: [refs.map((r) => r.ref), refs.map((r) => r.row)],
        };
      },
    } as unknown as ConsentLedgerService;
    const cipher = {
      shredAfterChange: (subjects: Array<{ row: string; subjectIds: string[] }>, first: number) =>
        destroySubjectKeysAfterChange(refsOf(subjects), new Date(), first),
      subjectsShredded: shredded,
    } as unknown as PersonalDataCipher;
    finisher = new RequestFinisher(
      repo,
      {} as ExportPackageBuilder,
      {} as SubjectProtector,
      consent,
      cipher,
      commits,
      AUTO_APPROVAL,
      {} as SubjectMailOutbox,
    );
  });
  afterAll(() => ds.destroy());
  beforeEach(() => shredded.mockClear());

  /** An erasure in progress whose run erased in both its stores, and that run. */
  const finished = async (): Promise<FinishedRun> => {
    const id = await insertRequest(ds, 'in_progress');
    const tasks = [
      await insertTask(ds, id, await insertStore(ds), 'in_progress'),
      await insertTask(ds, id, await insertStore(ds), 'in_progress'),
    ];
    const [{ generation }] = await ds.query<Array<{ generation: number }>>(
      'SELECT generation FROM privacy_requests WHERE id = $1',
      [id],
    );
    return {
      id,
      subject: { email: `${randomUUID()}@example.com` },
      work: {
        type: 'erasure',
        status: 'in_progress',
        generation,
        subjectCiphertext: 'sealed',
        correctionsCiphertext: null,
        notify: false,
        webhookUrl: null,
        moved: false,
        tasks: tasks.map((taskId) => ({
          taskId,
          taskStatus: 'in_progress',
          dataStoreId: null,
          dataStoreName: 'store',
          storeType: 'postgres',
          storeVersion: null,
          pendingOutcome: null,
        })),
      },
      done: tasks.map((taskId) => ({
        taskId,
        result: { collections: [] },
        detail: 'erased 1 rows',
      })),
    };
  };
  const state = async (run: FinishedRun) => ({
    request: await repo.findStatus(run.id),
    tasks: (
      await ds.query<Array<{ status: string }>>(
        'SELECT status FROM privacy_request_tasks WHERE request_id = $1',
        [run.id],
      )
    ).map((t) => t.status),
    events: (
      await ds.query<Array<{ action: string }>>(
        `SELECT action FROM audit_events
          WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
        [run.id],
      )
    ).map((e) => e.action),
    shredded: (
      await ds.query<unknown[]>(
        `SELECT 1 FROM subject_keys WHERE subject_ref = $1 AND status = 'shredded'`,
        [run.subject.email],
      )
    ).length,
  });
  const completed = {
    request: 'completed',
    tasks: ['completed', 'completed'],
    events: ['privacy_request.completed'],
    shredded: 1,
  };

  it('concurrent runs complete in one statement; one that moved on or was replaced is left as it is', async () => {
    const [a, b, movedOn, replaced] = await Promise.all(Array.from({ length: 4 }, finished));
    await ds.query(`UPDATE privacy_requests SET status = 'failed' WHERE id = $1`, [movedOn.id]);
    await ds.query(`UPDATE privacy_requests SET generation = generation + 1 WHERE id = $1`, [
      replaced.id,
    ]);
    const statements = jest.spyOn(commits, 'completeRuns');
    try {
      await Promise.all([a, b, movedOn, replaced].map((run) => finisher.finishRun(run)));
      expect(statements).toHaveBeenCalledTimes(1);
      expect(statements.mock.calls[0][0].map((r) => r.id)).toEqual(
        [a, b, movedOn, replaced].map((r) => r.id),
      );
    } finally {
      statements.mockRestore();
    }
    expect(await state(a)).toEqual(completed);
    expect(await state(b)).toEqual(completed);
    expect(await state(movedOn)).toEqual({
      ...completed,
      request: 'failed',
      events: [],
      shredded: 0,
    });
    expect(await state(replaced)).toEqual({
      ...completed,
      request: 'in_progress',
      events: [],
      shredded: 0,
    });
    // Every instance is told of the shredded keys once for the statement.
    expect(shredded).toHaveBeenCalledTimes(1);
  });

  it("a statement that fails is made again run by run: one run's failure fails no other", async () => {
    const [a, broken, b] = await Promise.all(Array.from({ length: 3 }, finished));
    broken.done[0].taskId = 'not a uuid';
    const statements = jest.spyOn(commits, 'completeRuns');
    try {
      const settled = await Promise.allSettled(
        [a, broken, b].map((run) => finisher.finishRun(run)),
      );
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(statements.mock.calls.map(([runs]) => runs.length)).toEqual([3, 1, 1, 1]);
    } finally {
      statements.mockRestore();
    }
    expect(await state(a)).toEqual(completed);
    expect(await state(b)).toEqual(completed);
    expect(await state(broken)).toEqual({
      request: 'in_progress',
      tasks: ['in_progress', 'in_progress'],
      events: [],
      shredded: 0,
    });
  });

  it('two runs of one request finishing together go one after the other', async () => {
    const run = await finished();
    const statements = jest.spyOn(commits, 'completeRuns');
    try {
      await Promise.all([finisher.finishRun(run), finisher.finishRun({ ...run })]);
      expect(statements.mock.calls.map(([runs]) => runs.length)).toEqual([1, 1]);
    } finally {
      statements.mockRestore();
    }
    expect(await state(run)).toEqual(completed);
  });
});
