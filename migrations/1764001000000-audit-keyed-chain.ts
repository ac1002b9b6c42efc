import { MigrationInterface, QueryRunner } from 'typeorm';

const OLD_SIGNATURE = 'uuid, timestamptz, text, text, text, text, text, text, text, jsonb, text';
const NEW_SIGNATURE = `${OLD_SIGNATURE}, text, bytea, bytea`;

/**
 * Appends link events with HMAC-SHA-256 under a key derived from the master key, which the
 * database never stores: the service passes the key's inner and outer pads (K xor ipad,
 * K xor opad) with each append, so the server computes the HMAC with its built-in SHA-256 in the
 * same single statement. Events appended before keep their plain SHA-256 link (chain_key NULL)
 * and are verified as they were. Checkpoints hold the event count and head hash, signed (ES256)
 * by the service's receipt key.
 */
export class AuditKeyedChain1764001000000 implements MigrationInterface {
  name = 'AuditKeyedChain1764001000000';

  async up(q: QueryRunner): Promise<void> {
    // Adding a column fires no row trigger, so the append-only guard stays as it is.
    await q.query(`ALTER TABLE audit_events ADD COLUMN chain_key text`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id bigserial PRIMARY KEY,
        seq bigint NOT NULL,
        event_count bigint NOT NULL,
        head_hash char(64) NOT NULL,
        signed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_checkpoints_seq_idx ON audit_checkpoints (seq)`);
    await q.query(`DROP FUNCTION audit_append(${OLD_SIGNATURE})`);
    await q.query(`
      CREATE FUNCTION audit_append(
        p_id uuid,
        p_occurred_at timestamptz,
        p_actor_type text,
        p_actor_id text,
        p_action text,
        p_target_type text,
        p_target_id text,
        p_outcome text,
        p_request_id text,
        p_details jsonb,
        p_canonical text,
        p_chain_key text,
        p_inner_pad bytea,
        p_outer_pad bytea
      ) RETURNS audit_events LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        prev text;
        appended audit_events;
      BEGIN
        PERFORM pg_advisory_xact_lock(7310001);
        SELECT e.hash INTO prev FROM audit_events e ORDER BY e.seq DESC LIMIT 1;
        prev := coalesce(prev, repeat('0', 64));
        INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, action, target_type,
                                  target_id, outcome, request_id, details, prev_hash, hash,
                                  chain_key)
        VALUES (p_id, p_occurred_at, p_actor_type, p_actor_id, p_action, p_target_type,
                p_target_id, p_outcome, p_request_id, p_details, prev,
                encode(sha256(p_outer_pad || sha256(
                  p_inner_pad || convert_to(prev || E'\\n' || p_canonical, 'UTF8'))), 'hex'),
                p_chain_key)
        RETURNING * INTO appended;
        RETURN appended;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_append(${NEW_SIGNATURE})`);
    await q.query(`
      CREATE FUNCTION audit_append(
        p_id uuid,
        p_occurred_at timestamptz,
        p_actor_type text,
        p_actor_id text,
        p_action text,
        p_target_type text,
        p_target_id text,
        p_outcome text,
        p_request_id text,
        p_details jsonb,
        p_canonical text
      ) RETURNS audit_events LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        prev text;
        appended audit_events;
      BEGIN
        PERFORM pg_advisory_xact_lock(7310001);
        SELECT e.hash INTO prev FROM audit_events e ORDER BY e.seq DESC LIMIT 1;
        prev := coalesce(prev, repeat('0', 64));
        INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, action, target_type,
                                  target_id, outcome, request_id, details, prev_hash, hash)
        VALUES (p_id, p_occurred_at, p_actor_type, p_actor_id, p_action, p_target_type,
                p_target_id, p_outcome, p_request_id, p_details, prev,
                encode(sha256(convert_to(prev || E'\\n' || p_canonical, 'UTF8')), 'hex'))
        RETURNING * INTO appended;
        RETURN appended;
      END $$`);
    await q.query(`DROP TABLE audit_checkpoints`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN chain_key`);
  }
}
