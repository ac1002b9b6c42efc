import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyring types (encryption, HMAC, signing keys with their public half), versions that can be
 * disabled, and per-alias settings: minimum decryption version and automatic rotation period.
 */
export class KeyringSettings1764000950000 implements MigrationInterface {
  name = 'KeyringSettings1764000950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE keyring_keys
        ADD COLUMN key_type text NOT NULL DEFAULT 'aes256-gcm'
          CHECK (key_type IN ('aes256-gcm', 'hmac-sha256', 'ecdsa-p256', 'ed25519')),
        ADD COLUMN public_key bytea,
        ADD COLUMN disabled_at timestamptz`);
    await q.query(`
      CREATE TABLE keyring_settings (
        alias text PRIMARY KEY,
        min_decryption_version integer NOT NULL DEFAULT 1 CHECK (min_decryption_version > 0),
        auto_rotate_period_seconds integer CHECK (auto_rotate_period_seconds >= 3600),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE keyring_settings');
    await q.query(`
      ALTER TABLE keyring_keys
        DROP COLUMN disabled_at, DROP COLUMN public_key, DROP COLUMN key_type`);
  }
}
