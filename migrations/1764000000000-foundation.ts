import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin','dpo','auditor']),
        totp_secret text,
        totp_pending_secret text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX auth_sessions_expires_at_idx ON auth_sessions (expires_at)`);
    await q.query(`
      CREATE TABLE mfa_backup_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        used_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX mfa_backup_codes_user_code_idx ON mfa_backup_codes (user_id, code_hash)`,
    );
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
        created_by uuid REFERENCES admin_users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL,
        actor_id text,
        action text NOT NULL,
        target_type text,
        target_id text,
        outcome text NOT NULL CHECK (outcome IN ('success','failure','denied')),
        request_id text,
        details jsonb NOT NULL DEFAULT '{}',
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, seq)`);
    await q.query(`CREATE INDEX audit_events_action_idx ON audit_events (action, seq)`);
    await q.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at)`);
    // The audit log is append-only: the database itself refuses to change or remove an event.
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE mfa_backup_codes`);
    await q.query(`DROP TABLE auth_sessions`);
    await q.query(`DROP TABLE admin_users`);
  }
}
