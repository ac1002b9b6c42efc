import { MigrationInterface, QueryRunner } from 'typeorm';

export class Consent1764000200000 implements MigrationInterface {
  name = 'Consent1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent_purposes (
        key text PRIMARY KEY,
        version integer NOT NULL CHECK (version > 0),
        name text NOT NULL,
        description text NOT NULL,
        legal_basis text NOT NULL CHECK (legal_basis IN ('consent','contract','legal_obligation','vital_interests','public_task','legitimate_interests')),
        opt_out_category text CHECK (opt_out_category IN ('sale','sharing','targeted_advertising')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE consent_purpose_versions (
        key text NOT NULL REFERENCES consent_purposes(key) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        name text NOT NULL,
        description text NOT NULL,
        legal_basis text NOT NULL,
        opt_out_category text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, version)
      )`);
    await q.query(
      `CREATE INDEX consent_purposes_opt_out_idx ON consent_purposes (opt_out_category) WHERE opt_out_category IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE consent_events (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        subject_ref text NOT NULL,
        subject_enc text NOT NULL,
        purpose_key text NOT NULL REFERENCES consent_purposes(key),
        purpose_version integer NOT NULL,
        granted boolean NOT NULL,
        source text NOT NULL,
        policy_version text,
        evidence jsonb NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        gpc boolean NOT NULL DEFAULT false,
        request_id text,
        actor_type text NOT NULL,
        actor_id text,
        recorded_at timestamptz NOT NULL,
        receipt text NOT NULL
      )`);
    await q.query(`CREATE INDEX consent_events_subject_idx ON consent_events (subject_ref, seq)`);
    // The ledger is append-only: the database refuses edits and deletions, whoever asks.
    await q.query(`
      CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_events_no_change BEFORE UPDATE OR DELETE ON consent_events
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()`);
    await q.query(`
      CREATE TABLE consent_states (
        subject_ref text NOT NULL,
        purpose_key text NOT NULL REFERENCES consent_purposes(key),
        granted boolean NOT NULL,
        purpose_version integer NOT NULL,
        source text NOT NULL,
        expires_at timestamptz,
        recorded_at timestamptz NOT NULL,
        receipt_id uuid NOT NULL,
        last_seq bigint NOT NULL,
        PRIMARY KEY (subject_ref, purpose_key)
      )`);
    await q.query(`
      CREATE TABLE consent_subject_signals (
        subject_ref text PRIMARY KEY,
        gpc boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        last_seq bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE consent_signing_keys (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        private_jwk_enc text NOT NULL,
        status text NOT NULL CHECK (status IN ('active','retired')),
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX consent_signing_keys_one_active ON consent_signing_keys (status) WHERE status = 'active'`,
    );
    await q.query(`
      CREATE TABLE consent_webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        secret_enc text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent_webhooks`);
    await q.query(`DROP TABLE consent_signing_keys`);
    await q.query(`DROP TABLE consent_subject_signals`);
    await q.query(`DROP TABLE consent_states`);
    await q.query(`DROP TRIGGER consent_events_no_change ON consent_events`);
    await q.query(`DROP TABLE consent_events`);
    await q.query(`DROP FUNCTION consent_events_append_only()`);
    await q.query(`DROP TABLE consent_purpose_versions`);
    await q.query(`DROP TABLE consent_purposes`);
  }
}
