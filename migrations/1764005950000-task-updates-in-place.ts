import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer index entries per erasure. A task's row is updated several times per run (started, its
 * write-ahead record, its result), and most of those change `status`, which the partial indexes
 * on failed and waiting tasks named: so they could not be heap-only (HOT) updates, and each wrote
 * new entries to both of the table's other indexes. The failed tasks' index now names a
 * stored flag computed from the status, which only a task's failure (or its retry) changes; the
 * waiting tasks' index goes (the reminders find them through the active requests, by the tasks'
 * `(request_id, data_store_id)` key), and a lower fillfactor leaves room on each page for the
 * new versions. Audit events of the system (no actor id; a run's own events) and shredded keys'
 * tombstones (no key id) no longer get entries that no query reads: a look-up by actor or by key
 * id is by an equality, which no null satisfies.
 */
export class TaskUpdatesInPlace1764005950000 implements MigrationInterface {
  name = 'TaskUpdatesInPlace1764005950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE privacy_request_tasks
        ADD COLUMN failed boolean GENERATED ALWAYS AS (status = 'failed') STORED,
        SET (fillfactor = 50)`);
    await q.query(`DROP INDEX privacy_request_tasks_failed_idx`);
    await q.query(`DROP INDEX privacy_request_tasks_waiting_idx`);
    await q.query(
      `CREATE INDEX privacy_request_tasks_failed_idx ON privacy_request_tasks (data_store_name)
        WHERE failed`,
    );
    await q.query(`DROP INDEX audit_events_actor_idx`);
    await q.query(
      `CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq)
        WHERE actor_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE subject_keys DROP CONSTRAINT subject_keys_key_id_key`);
    await q.query(
      `CREATE UNIQUE INDEX subject_keys_key_id_key ON subject_keys (key_id)
        WHERE key_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX subject_keys_key_id_key`);
    await q.query(
      `ALTER TABLE subject_keys ADD CONSTRAINT subject_keys_key_id_key UNIQUE (key_id)`,
    );
    await q.query(`DROP INDEX audit_events_actor_idx`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq)`);
    await q.query(`DROP INDEX privacy_request_tasks_failed_idx`);
    await q.query(`ALTER TABLE privacy_request_tasks DROP COLUMN failed, RESET (fillfactor)`);
    await q.query(
      `CREATE INDEX privacy_request_tasks_failed_idx ON privacy_request_tasks (data_store_name)
        WHERE status = 'failed'`,
    );
    await q.query(
      `CREATE INDEX privacy_request_tasks_waiting_idx ON privacy_request_tasks (request_id)
        WHERE status = 'waiting'`,
    );
  }
}
