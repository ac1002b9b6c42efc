import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A task's erasure outcome written before the store commits it, with the store's transaction id:
 * a rerun after a crash between the store's commit and the task's record reads it back instead
 * of reporting the nothing it finds left. Null once nothing is pending.
 */
export class TaskPendingOutcome1764004400000 implements MigrationInterface {
  name = 'TaskPendingOutcome1764004400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_request_tasks ADD COLUMN pending_outcome jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_request_tasks DROP COLUMN pending_outcome`);
  }
}
