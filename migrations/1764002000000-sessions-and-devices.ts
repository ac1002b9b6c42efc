import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin sessions remember their device (user agent, coarse address, a hash of both), when they
 * were last used, how they were opened and why they ended; a rotating refresh token (its SHA-256
 * only) slides them along. Users can be disabled.
 */
export class SessionsAndDevices1764002000000 implements MigrationInterface {
  name = 'SessionsAndDevices1764002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_users ADD COLUMN disabled_at timestamptz`);
    await q.query(`
      ALTER TABLE auth_sessions
        ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN user_agent text,
        ADD COLUMN address text,
        ADD COLUMN device_hash text,
        ADD COLUMN method text NOT NULL DEFAULT 'password'
          CHECK (method IN ('password', 'mfa', 'oidc')),
        ADD COLUMN refresh_hash bytea,
        ADD COLUMN revoked_reason text`);
    await q.query(
      `CREATE INDEX auth_sessions_user_device_idx ON auth_sessions (user_id, device_hash)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth_sessions_user_device_idx`);
    await q.query(`
      ALTER TABLE auth_sessions
        DROP COLUMN last_seen_at,
        DROP COLUMN user_agent,
        DROP COLUMN address,
        DROP COLUMN device_hash,
        DROP COLUMN method,
        DROP COLUMN refresh_hash,
        DROP COLUMN revoked_reason`);
    await q.query(`ALTER TABLE admin_users DROP COLUMN disabled_at`);
  }
}
