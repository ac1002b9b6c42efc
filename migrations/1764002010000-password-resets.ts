import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An admin-initiated password reset: the SHA-256 of a single-use reset token and its expiry. While
 * a reset is pending the old password no longer works.
 */
export class PasswordResets1764002010000 implements MigrationInterface {
  name = 'PasswordResets1764002010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE admin_users
        ADD COLUMN password_reset_hash bytea,
        ADD COLUMN password_reset_expires_at timestamptz,
        ADD COLUMN password_changed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE admin_users
        DROP COLUMN password_reset_hash,
        DROP COLUMN password_reset_expires_at,
        DROP COLUMN password_changed_at`);
  }
}
