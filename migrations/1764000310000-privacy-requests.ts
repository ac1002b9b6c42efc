import { MigrationInterface, QueryRunner } from 'typeorm';

export class PrivacyRequests1764000310000 implements MigrationInterface {
  name = 'PrivacyRequests1764000310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy_requests (
        id uuid PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('access','erasure','opt_out_sale','opt_out_sharing')),
        status text NOT NULL CHECK (status IN
          ('pending_verification','queued','in_progress','completed','failed','rejected')),
        jurisdiction text NOT NULL CHECK (jurisdiction IN ('GDPR','UK_GDPR','CCPA')),
        source text NOT NULL CHECK (source IN ('service','public')),
        subject_ciphertext text NOT NULL,
        email_index text,
        subject_id_index text,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        due_rule text NOT NULL,
        extended_due_at timestamptz,
        extended_rule text,
        completed_at timestamptz,
        failure_reason text,
        verification_code_hash text,
        verification_expires_at timestamptz,
        verification_attempts int NOT NULL DEFAULT 0,
        generation int NOT NULL DEFAULT 0,
        webhook_url text,
        export_path text,
        export_checksum text,
        requested_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX privacy_requests_due_idx ON privacy_requests ((coalesce(extended_due_at, due_at)), id)`,
    );
    await q.query(`CREATE INDEX privacy_requests_status_idx ON privacy_requests (status)`);
    await q.query(`CREATE INDEX privacy_requests_email_idx ON privacy_requests (email_index)`);
    await q.query(`
      CREATE TABLE privacy_request_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL REFERENCES privacy_requests(id) ON DELETE CASCADE,
        data_store_id uuid REFERENCES data_stores(id) ON DELETE SET NULL,
        data_store_name text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending','in_progress','completed','failed')),
        attempts int NOT NULL DEFAULT 0,
        detail text,
        result jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (request_id, data_store_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE privacy_request_tasks`);
    await q.query(`DROP TABLE privacy_requests`);
  }
}
