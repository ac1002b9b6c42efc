import { MigrationInterface, QueryRunner } from 'typeorm';

/** The breach register: personal-data breaches with their 72-hour clock and their notifications. */
export class Incidents1764000800000 implements MigrationInterface {
  name = 'Incidents1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE incidents (
        id uuid PRIMARY KEY,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description text CHECK (length(description) <= 4000),
        detected_at timestamptz NOT NULL,
        notify_authority_by timestamptz NOT NULL,
        affected_subjects bigint CHECK (affected_subjects >= 0),
        data_categories text[] NOT NULL DEFAULT '{}',
        authority_notified_at timestamptz,
        subjects_notified_at timestamptz,
        recorded_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX incidents_created_idx ON incidents (created_at DESC, id DESC)`);
    await q.query(`
      CREATE INDEX incidents_unnotified_idx ON incidents (notify_authority_by)
        WHERE authority_notified_at IS NULL`);
    await q.query(`
      CREATE TABLE incident_notifications (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        party text NOT NULL CHECK (party IN ('authority','subjects')),
        notified_at timestamptz NOT NULL,
        recorded_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX incident_notifications_incident_idx ON incident_notifications (incident_id, notified_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE incident_notifications`);
    await q.query(`DROP TABLE incidents`);
  }
}
