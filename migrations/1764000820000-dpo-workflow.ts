import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where automation stops: requests waiting for a DPO's approval, manual data stores (no
 * connection) whose tasks wait for a person's note, kept encrypted, and reminders about them.
 */
export class DpoWorkflow1764000820000 implements MigrationInterface {
  name = 'DpoWorkflow1764000820000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_requests DROP CONSTRAINT privacy_requests_status_check`);
    await q.query(`
      ALTER TABLE privacy_requests ADD CONSTRAINT privacy_requests_status_check CHECK (status IN
        ('pending_verification','pending_approval','queued','in_progress','completed','failed','rejected'))`);
    await q.query(
      `ALTER TABLE privacy_request_tasks DROP CONSTRAINT privacy_request_tasks_status_check`,
    );
    await q.query(`
      ALTER TABLE privacy_request_tasks ADD CONSTRAINT privacy_request_tasks_status_check
        CHECK (status IN ('pending','in_progress','waiting','completed','failed'))`);
    await q.query(`
      ALTER TABLE privacy_request_tasks
        ADD COLUMN note_ciphertext text,
        ADD COLUMN completed_by text,
        ADD COLUMN reminded_at timestamptz`);
    await q.query(
      `CREATE INDEX privacy_request_tasks_waiting_idx ON privacy_request_tasks (request_id) WHERE status = 'waiting'`,
    );
    await q.query(`ALTER TABLE data_stores DROP CONSTRAINT data_stores_type_check`);
    await q.query(`
      ALTER TABLE data_stores ADD CONSTRAINT data_stores_type_check
        CHECK (type IN ('postgres','mysql','http','manual'))`);
    await q.query(`ALTER TABLE data_stores ALTER COLUMN connection_ciphertext DROP NOT NULL`);
    await q.query(`ALTER TABLE data_stores ALTER COLUMN connection_display DROP NOT NULL`);
    await q.query(`
      ALTER TABLE data_stores ADD CONSTRAINT data_stores_connection_check
        CHECK ((type = 'manual') = (connection_ciphertext IS NULL))`);
  }

  /** Refused while manual stores, waiting tasks or requests pending approval exist. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE data_stores DROP CONSTRAINT data_stores_connection_check`);
    await q.query(`ALTER TABLE data_stores ALTER COLUMN connection_display SET NOT NULL`);
    await q.query(`ALTER TABLE data_stores ALTER COLUMN connection_ciphertext SET NOT NULL`);
    await q.query(`ALTER TABLE data_stores DROP CONSTRAINT data_stores_type_check`);
    await q.query(`
      ALTER TABLE data_stores ADD CONSTRAINT data_stores_type_check
        CHECK (type IN ('postgres','mysql','http'))`);
    await q.query(`DROP INDEX privacy_request_tasks_waiting_idx`);
    await q.query(`
      ALTER TABLE privacy_request_tasks
        DROP COLUMN note_ciphertext, DROP COLUMN completed_by, DROP COLUMN reminded_at`);
    await q.query(
      `ALTER TABLE privacy_request_tasks DROP CONSTRAINT privacy_request_tasks_status_check`,
    );
    await q.query(`
      ALTER TABLE privacy_request_tasks ADD CONSTRAINT privacy_request_tasks_status_check
        CHECK (status IN ('pending','in_progress','completed','failed'))`);
    await q.query(`ALTER TABLE privacy_requests DROP CONSTRAINT privacy_requests_status_check`);
    await q.query(`
      ALTER TABLE privacy_requests ADD CONSTRAINT privacy_requests_status_check CHECK (status IN
        ('pending_verification','queued','in_progress','completed','failed','rejected'))`);
  }
}
