import { DataSource, QueryRunner } from 'typeorm';
import { serviceDataSource } from './support/database';

/**
 * A task's row is updated several times per run; those updates stay heap-only (no new index
 * entries) only while no index of the table names a column they change.
 */
describe('privacy_request_tasks updates', () => {
  let ds: DataSource;
  let runner: QueryRunner;

  beforeAll(async () => {
    ds = await serviceDataSource();
  });
  afterAll(() => ds.destroy());

  beforeEach(async () => {
    runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
  });
  afterEach(async () => {
    await runner.rollbackTransaction();
    await runner.release();
  });

  /** This transaction's updates of the tasks' table, and how many of them were heap-only. */
  const updates = async (): Promise<{ updated: number; hot: number }> => {
    const [row] = await runner.manager.query<Array<{ updated: number; hot: number }>>(
      `SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables
        WHERE relid = 'privacy_request_tasks'::regclass`,
    );
    return row;
  };

  const insertTask = async (): Promise<string> => {
    const [request] = await runner.manager.query<Array<{ id: string }>>(
      `INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
         received_at, due_at, due_rule)
       VALUES (gen_random_uuid(), 'erasure', 'in_progress', 'GDPR', 'service', 'sealed', now(),
               now() + interval '30 days', 'gdpr-1-calendar-month')
       RETURNING id`,
    );
    const [task] = await runner.manager.query<Array<{ id: string }>>(
      `INSERT INTO privacy_request_tasks (request_id, data_store_name, status)
       VALUES ($1, 'shop', 'pending') RETURNING id`,
      [request.id],
    );
    return task.id;
  };

  it("a run's start, write-ahead record and result write no index entries", async () => {
    const id = await insertTask();
    await runner.query(
      `UPDATE privacy_request_tasks SET status = 'in_progress', attempts = attempts + 1,
              updated_at = now() WHERE id = $1`,
      [id],
    );
    await runner.query(
      `UPDATE privacy_request_tasks SET pending_outcome = '{"xid": "42"}' WHERE id = $1`,
      [id],
    );
    await runner.query(
      `UPDATE privacy_request_tasks SET status = 'completed', result = '{"erased": 3}',
              detail = NULL, pending_outcome = NULL, updated_at = now() WHERE id = $1`,
      [id],
    );
    expect(await updates()).toEqual({ updated: 3, hot: 3 });
  });

  it('a failed task is flagged for the failed tasks index, and unflagged when retried', async () => {
    const id = await insertTask();
    const flag = async () =>
      (
        await runner.manager.query<Array<{ failed: boolean }>>(
          'SELECT failed FROM privacy_request_tasks WHERE id = $1',
          [id],
        )
      )[0].failed;
    expect(await flag()).toBe(false);
    await runner.query(`UPDATE privacy_request_tasks SET status = 'failed' WHERE id = $1`, [id]);
    expect(await flag()).toBe(true);
    await runner.query(`UPDATE privacy_request_tasks SET status = 'pending' WHERE id = $1`, [id]);
    expect(await flag()).toBe(false);
  });
});
