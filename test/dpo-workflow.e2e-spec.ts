import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ManualTaskReminderService } from 'src/privacy-requests/manual/manual-task-reminder.service';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

const TERMINAL = ['completed', 'failed', 'rejected'];

interface RequestView {
  status: string;
  dueAt: string;
  tasks: Array<{ dataStore: string; status: string; detail?: string }>;
}

/**
 * REQUEST_APPROVAL=manual and a manual store, on a database of its own so no other test's
 * stores take part in these requests.
 */
describe('DPO workflow: approval and manual stores', () => {
  let t: TestApp;
  let scratch: ScratchDatabases;
  let admin: string;
  let dpo: string;
  let auditor: string;
  let writer: string;
  let db: DataSource;

  beforeAll(async () => {
    scratch = await createScratchDatabases('dpo');
    t = await createTestApp({
      DATABASE_URL: scratch.postgresUrl,
      DB_MIGRATE: 'true',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_dpo_${randomBytes(3).toString('hex')}`,
      REQUEST_APPROVAL: 'manual',
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      EXPORT_DIR: `/tmp/dpo-exports-${randomBytes(3).toString('hex')}`,
    });
    admin = await adminToken(t.http);
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
    auditor = (await createUser(t.http, admin, ['auditor'])).token;
    writer = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await scratch?.drop();
  });

  const file = (type: string) =>
    request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type, subject: { email: uniqueEmail('dpo') }, jurisdiction: 'GDPR' })
      .expect(201);
  const view = async (id: string): Promise<RequestView> =>
    (
      await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${writer}`)
        .expect(200)
    ).body;
  const approve = (id: string, token = dpo) =>
    request(t.http)
      .post(`/v1/admin/privacy-requests/${id}/approve`)
      .set('Authorization', `Bearer ${token}`);
  const completeTask = (id: string, taskId: string, body: object, token = dpo) =>
    request(t.http)
      .post(`/v1/admin/privacy-requests/${id}/tasks/${taskId}/complete`)
      .set('Authorization', `Bearer ${token}`)
      .send(body);
  const actions = async (id: string): Promise<string[]> =>
    (
      await db.query<Array<{ action: string }>>(
        `SELECT action FROM audit_events WHERE target_type = 'privacy_request' AND target_id = $1 ORDER BY seq`,
        [id],
      )
    ).map((r) => r.action);

  async function until(id: string, done: (v: RequestView) => boolean): Promise<RequestView> {
    let last = await view(id);
    for (let i = 0; i < 100 && !done(last); i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = await view(id);
    }
    expect(done(last)).toBe(true);
    return last;
  }
  const taskIds = async (id: string): Promise<string[]> =>
    (
      await db.query<Array<{ id: string }>>(
        'SELECT id FROM privacy_request_tasks WHERE request_id = $1 ORDER BY data_store_name',
        [id],
      )
    ).map((r) => r.id);

  describe('approval', () => {
    it('a verified request waits as pending_approval, its clock running, until a DPO approves it', async () => {
      const created = await file('access');
      expect(created.body.status).toBe('pending_approval');
      await new Promise((r) => setTimeout(r, 1500)); // a reconcile pass leaves it alone
      const waiting = await view(created.body.id);
      expect(waiting.status).toBe('pending_approval');
      expect(waiting.dueAt).toBe(created.body.dueAt);
      const open = await request(t.http)
        .get('/v1/admin/privacy-requests?status=pending_approval')
        .set('Authorization', `Bearer ${auditor}`)
        .expect(200);
      expect(open.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);

      await approve(created.body.id, auditor).expect(403);
      await approve(created.body.id, writer).expect(403);
      const approved = await approve(created.body.id).expect(200);
      expect(approved.body.status).toBe('queued');
      const done = await until(created.body.id, (v) => TERMINAL.includes(v.status));
      expect(done.status).toBe('completed');
      expect(done.dueAt).toBe(created.body.dueAt);
      expect(await actions(created.body.id)).toEqual([
        'privacy_request.pending_approval',
        'privacy_request.queued',
        'privacy_request.completed',
      ]);
      const [queued] = await db.query(
        `SELECT actor_type, details FROM audit_events WHERE target_id = $1 AND action = 'privacy_request.queued'`,
        [created.body.id],
      );
      expect(queued).toMatchObject({
        actor_type: 'user',
        details: { from: 'pending_approval', approved: true },
      });
    });

    it('an opt-out of sale is honoured at once, without waiting for approval', async () => {
      const created = await file('opt_out_sale');
      expect(created.body.status).toBe('queued');
      expect((await until(created.body.id, (v) => TERMINAL.includes(v.status))).status).toBe(
        'completed',
      );
      await approve(created.body.id).expect(409);
    });

    it('a DPO rejects a request waiting for approval instead; it cannot be approved afterwards', async () => {
      const created = await file('erasure');
      await request(t.http)
        .post(`/v1/admin/privacy-requests/${created.body.id}/reject`)
        .set('Authorization', `Bearer ${dpo}`)
        .send({ reason: 'not the account holder' })
        .expect(200);
      expect((await view(created.body.id)).status).toBe('rejected');
      const again = await approve(created.body.id).expect(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      await approve('00000000-0000-4000-8000-000000000000').expect(404);
    });

    it('counts requests waiting for approval as open in the SLA summary', async () => {
      await file('access');
      const sla = await request(t.http)
        .get('/v1/admin/privacy-requests/sla')
        .set('Authorization', `Bearer ${dpo}`)
        .expect(200);
      expect(sla.body.byStatus.pending_approval).toBeGreaterThanOrEqual(1);
      expect(sla.body.open).toBeGreaterThanOrEqual(sla.body.byStatus.pending_approval);
    });
  });

  describe('manual stores', () => {
    let storeId: string;

    beforeAll(async () => {
      // Requests still waiting for approval would otherwise gain the store's task.
      const stores = await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          name: 'archive-lyon paper files',
          type: 'manual',
          collections: [{ name: 'dossiers', fields: [{ name: 'adresse', category: 'contact' }] }],
        })
        .expect(201);
      expect(stores.body).toMatchObject({ type: 'manual', connection: null });
      storeId = stores.body.id;
    });

    it('a manual store takes no connection and cannot be tested, scanned or planned', async () => {
      const res = await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          name: 'manual-with-url',
          type: 'manual',
          connection: { url: 'postgres://x@db/y' },
          collections: [],
        })
        .expect(422);
      expect(res.body.errors).toEqual([
        { field: 'connection', message: 'must be absent for a manual store' },
      ]);
      await request(t.http)
        .post(`/v1/data-stores/${storeId}/test`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(422);
      await request(t.http)
        .post(`/v1/data-stores/${storeId}/scans`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(422);
      await request(t.http)
        .post('/v1/data-stores')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'sql-without-url', type: 'postgres', collections: [] })
        .expect(422);
    });

    it('an erasure waits on the manual task and completes only after a person marks it done with a note', async () => {
      const created = await file('erasure');
      await approve(created.body.id).expect(200);
      const waiting = await until(created.body.id, (v) => v.tasks[0]?.status === 'waiting');
      expect(waiting.status).toBe('in_progress');
      expect(waiting.tasks).toEqual([
        expect.objectContaining({ dataStore: 'archive-lyon paper files', status: 'waiting' }),
      ]);
      await new Promise((r) => setTimeout(r, 1500)); // a reconcile pass does not finish it
      expect((await view(created.body.id)).status).toBe('in_progress');

      const [taskId] = await taskIds(created.body.id);
      const note = 'Dossier papier de Mme Zoë Faure trouvé (boîte 17) et détruit le 2 décembre.';
      await completeTask(created.body.id, taskId, { note }, auditor).expect(403);
      await completeTask(created.body.id, taskId, { note: '' }).expect(400);
      await completeTask(created.body.id, taskId, { note: 'x'.repeat(4001) }).expect(400);
      const done = await completeTask(created.body.id, taskId, { note }).expect(200);
      expect(done.body).toEqual({
        id: created.body.id,
        taskId,
        status: 'in_progress',
        finishing: true,
      });
      const finished = await until(created.body.id, (v) => TERMINAL.includes(v.status));
      expect(finished.status).toBe('completed');
      expect(finished.tasks[0].status).toBe('completed');
      await completeTask(created.body.id, taskId, { note }).expect(409);

      expect(await actions(created.body.id)).toEqual([
        'privacy_request.pending_approval',
        'privacy_request.queued',
        'privacy_request.in_progress',
        'privacy_request.task_waiting',
        'privacy_request.task_completed',
        'privacy_request.completed',
      ]);
      const [row] = await db.query(
        'SELECT note_ciphertext, completed_by, result FROM privacy_request_tasks WHERE id = $1',
        [taskId],
      );
      expect(row.note_ciphertext).not.toContain('Faure');
      expect(row.completed_by).not.toBeNull();
      expect(row.result.manual.noteLength).toBe(note.length);
      const everything = JSON.stringify(await db.query('SELECT * FROM audit_events'));
      expect(everything).not.toContain('Faure');
      expect(everything).not.toContain('boîte');
    });

    it('refuses a task of another request, an unknown task, and a task that is not waiting', async () => {
      const a = await file('access');
      await approve(a.body.id).expect(200);
      await until(a.body.id, (v) => v.tasks[0]?.status === 'waiting');
      const b = await file('access');
      const [bTask] = await taskIds(b.body.id);
      const [aTask] = await taskIds(a.body.id);
      await completeTask(a.body.id, bTask, { note: 'n' }).expect(404);
      await completeTask(a.body.id, '00000000-0000-4000-8000-000000000000', { note: 'n' }).expect(
        404,
      );
      await completeTask(b.body.id, bTask, { note: 'n' }).expect(409); // not approved yet
      const ok = await completeTask(a.body.id, aTask, { note: 'nothing held on paper' }).expect(
        200,
      );
      expect(ok.body.finishing).toBe(true);
      expect((await until(a.body.id, (v) => TERMINAL.includes(v.status))).status).toBe('completed');
    });

    it('reminds DPOs of a waiting task as the due date nears, once a day', async () => {
      const created = await file('erasure');
      await approve(created.body.id).expect(200);
      await until(created.body.id, (v) => v.tasks[0]?.status === 'waiting');
      const reminders = t.app.get(ManualTaskReminderService);
      const reminded = async (): Promise<number> =>
        (await actions(created.body.id)).filter((a) => a === 'privacy_request.task_reminder')
          .length;

      await reminders.remind(); // due in a month: not yet
      expect(await reminded()).toBe(0);
      await db.query(
        `UPDATE privacy_requests SET due_at = now() + interval '2 days' WHERE id = $1`,
        [created.body.id],
      );
      await reminders.remind();
      await reminders.remind(); // the same day: no second reminder
      expect(await reminded()).toBe(1);
      const [event] = await db.query(
        `SELECT actor_type, details FROM audit_events WHERE target_id = $1 AND action = 'privacy_request.task_reminder'`,
        [created.body.id],
      );
      expect(event).toMatchObject({ actor_type: 'system', details: { overdue: false } });
      const metrics = await request(t.http).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/privacy_manual_task_reminders_total\{overdue="false"\} [1-9]/);
    });
  });
});
