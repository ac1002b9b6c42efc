import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: purged request records leave their figures in `privacy_request_metrics` (per year,
 * jurisdiction, type, outcome and days to respond, no subject), and an access package expires
 * at `export_expires_at`, when its file is deleted.
 */
export class RequestRetention1764000610000 implements MigrationInterface {
  name = 'RequestRetention1764000610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy_request_metrics (
        year int NOT NULL,
        jurisdiction text NOT NULL CHECK (jurisdiction IN ('GDPR','UK_GDPR','CCPA')),
        type text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('complied','denied','unanswered')),
        days_to_respond numeric(9,2) CHECK ((outcome = 'unanswered') = (days_to_respond IS NULL)),
        requests int NOT NULL CHECK (requests > 0)
      )`);
    await q.query(`
      CREATE UNIQUE INDEX privacy_request_metrics_key ON privacy_request_metrics
        (year, jurisdiction, type, outcome, (coalesce(days_to_respond, -1)))`);
    await q.query(`CREATE INDEX privacy_requests_received_idx ON privacy_requests (received_at)`);
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN export_expires_at timestamptz`);
    // Packages built before expiry existed get a week, the default link lifetime, from now.
    await q.query(`
      UPDATE privacy_requests SET export_expires_at = now() + interval '7 days'
       WHERE export_path IS NOT NULL`);
    await q.query(`
      CREATE INDEX privacy_requests_export_expiry_idx ON privacy_requests (export_expires_at)
       WHERE export_path IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX privacy_requests_export_expiry_idx`);
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN export_expires_at`);
    await q.query(`DROP INDEX privacy_requests_received_idx`);
    await q.query(`DROP TABLE privacy_request_metrics`);
  }
}
