import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Downloads counted per export link (EXPORT_LINK_MAX_DOWNLOADS). A link is known only by the
 * SHA-256 of its token, so this table hands no working link to whoever reads it.
 */
export class ExportLinkDownloads1764001100000 implements MigrationInterface {
  name = 'ExportLinkDownloads1764001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE export_link_downloads (
        link_hash bytea PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES privacy_requests (id) ON DELETE CASCADE,
        downloads integer NOT NULL CHECK (downloads > 0),
        first_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX export_link_downloads_request ON export_link_downloads (request_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_link_downloads`);
  }
}
