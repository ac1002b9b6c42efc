import { MigrationInterface, QueryRunner } from 'typeorm';

/** Passkeys (WebAuthn credentials) of admin users: several per user, each named. */
export class WebauthnCredentials1764002020000 implements MigrationInterface {
  name = 'WebauthnCredentials1764002020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webauthn_credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
        credential_id text NOT NULL UNIQUE,
        public_key bytea NOT NULL,
        counter bigint NOT NULL DEFAULT 0 CHECK (counter >= 0),
        transports text[] NOT NULL DEFAULT '{}',
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz
      )`);
    await q.query(`CREATE INDEX webauthn_credentials_user_idx ON webauthn_credentials (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webauthn_credentials`);
  }
}
