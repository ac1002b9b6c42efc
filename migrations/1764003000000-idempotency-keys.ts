import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of write requests: per caller scope and key (stored as a hash), the hash of
 * the request they were first used with and its answer (sealed, since answers name subjects),
 * kept until they expire.
 */
export class IdempotencyKeys1764003000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key_hash bytea NOT NULL,
        request_hash bytea NOT NULL,
        status_code smallint NOT NULL,
        response_sealed text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key_hash)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
