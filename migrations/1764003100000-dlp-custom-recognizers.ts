import { MigrationInterface, QueryRunner } from 'typeorm';

/** Recognizers administrators add to the DLP engine: a pattern or a deny list, never both. */
export class DlpCustomRecognizers1764003100000 implements MigrationInterface {
  name = 'DlpCustomRecognizers1764003100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dlp_custom_recognizers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        entity text NOT NULL,
        pattern text,
        deny_list text[],
        case_sensitive boolean NOT NULL,
        context text[] NOT NULL DEFAULT '{}',
        score double precision NOT NULL CHECK (score > 0 AND score <= 1),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((pattern IS NULL) <> (deny_list IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dlp_custom_recognizers`);
  }
}
