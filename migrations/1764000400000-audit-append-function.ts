import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One statement appends an audit event: lock, read the last hash, insert the linked event. The
 * append lock is held until the transaction ends, so doing the whole append in one round trip
 * keeps it short; an append outside a transaction holds it only inside the server.
 */
export class AuditAppendFunction1764000400000 implements MigrationInterface {
  name = 'AuditAppendFunction1764000400000';

  async up(q: QueryRunner): Promise<void> {
    // VOLATILE: each statement takes a fresh snapshot, so the hash read after the lock includes
    // every append committed while this one waited. hash = SHA-256(prev_hash || '\n' || canonical),
    // the canonical JSON being built by the service exactly as verification rebuilds it.
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION audit_append(uuid, timestamptz, text, text, text, text, text, text, text, jsonb, text)`,
    );
  }
}
