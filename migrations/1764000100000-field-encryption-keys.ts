import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Key hierarchy storage: wrapped keyring keys, wrapped subject keys with tombstones (crypto-
 * shredding), key registrations (GET /v1/keys) and rotation jobs with progress.
 */
export class FieldEncryptionKeys1764000100000 implements MigrationInterface {
  name = 'FieldEncryptionKeys1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE keyring_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alias text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        root_key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (alias, version)
      )`);
    await q.query(`
      CREATE TABLE subject_keys (
        subject_ref text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('active', 'shredded')),
        key_id text UNIQUE,
        alias text,
        keyring_version integer,
        wrapped_key bytea,
        created_at timestamptz,
        destroyed_at timestamptz,
        CHECK (
          (status = 'active' AND key_id IS NOT NULL AND alias IS NOT NULL
            AND keyring_version IS NOT NULL AND wrapped_key IS NOT NULL AND destroyed_at IS NULL)
          OR (status = 'shredded' AND wrapped_key IS NULL AND destroyed_at IS NOT NULL)
        )
      )`);
    await q.query(`
      CREATE INDEX subject_keys_rewrap_idx ON subject_keys (alias, keyring_version, subject_ref)
        WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE key_registrations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alias text NOT NULL UNIQUE,
        provider text NOT NULL CHECK (provider IN ('local', 'aws-kms', 'pkcs11', 'rsa')),
        provider_key_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE key_rotations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alias text NOT NULL,
        from_version integer NOT NULL,
        to_version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        total integer NOT NULL DEFAULT 0,
        processed integer NOT NULL DEFAULT 0,
        rewrapped integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        UNIQUE (alias, to_version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE key_rotations');
    await q.query('DROP TABLE key_registrations');
    await q.query('DROP TABLE subject_keys');
    await q.query('DROP TABLE keyring_keys');
  }
}
