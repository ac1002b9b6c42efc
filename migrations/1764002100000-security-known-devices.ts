import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Devices (user agent family + coarse address) each admin user has logged in from, so a login
 * from a device not seen before raises `login.new_device` and mails the user.
 */
export class SecurityKnownDevices1764002100000 implements MigrationInterface {
  name = 'SecurityKnownDevices1764002100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE security_known_devices (
        user_id uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
        device_id char(64) NOT NULL,
        family text NOT NULL,
        address text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, device_id)
      )`);
    await q.query(`
      CREATE INDEX audit_events_security_alerts_idx ON audit_events (seq DESC)
        WHERE action = 'security.alert'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_security_alerts_idx`);
    await q.query(`DROP TABLE security_known_devices`);
  }
}
