import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a request was answered, by completion or by denial: the CCPA §7102 metrics count the days
 * to respond for both, and `completed_at` holds only completions.
 */
export class RequestRespondedAt1764000810000 implements MigrationInterface {
  name = 'RequestRespondedAt1764000810000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN responded_at timestamptz`);
    // Rejections before this column kept their time only as the row's last update.
    await q.query(`
      UPDATE privacy_requests
         SET responded_at = CASE WHEN status = 'completed' THEN completed_at ELSE updated_at END
       WHERE status IN ('completed', 'rejected')`);
    await q.query(`
      CREATE INDEX privacy_requests_jurisdiction_received_idx
        ON privacy_requests (jurisdiction, received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX privacy_requests_jurisdiction_received_idx`);
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN responded_at`);
  }
}
