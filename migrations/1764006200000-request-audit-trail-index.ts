import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A request's audit trail, read on every `GET /v1/privacy-requests/:id` (backends and the
 * privacy center poll it), found its events by scanning the whole audit log. Only events about
 * privacy requests get an entry; the trail reads them in chain order.
 */
export class RequestAuditTrailIndex1764006200000 implements MigrationInterface {
  name = 'RequestAuditTrailIndex1764006200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX audit_events_request_trail_idx ON audit_events (target_id, seq)
        WHERE target_type = 'privacy_request'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_request_trail_idx`);
  }
}
