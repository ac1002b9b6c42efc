import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the blind indexes of a privacy request's e-mail and subject id. The service never looks a
 * request up by its subject, and indexes written before their field names were reserved are the
 * ones `POST /v1/crypto/blind-index` reproduces: keeping them would let anyone who can read the
 * table and call the API link a request to an e-mail. Reverting restores the columns, empty: the
 * values cannot be computed in SQL, and nothing reads them.
 */
export class DropRequestSubjectIndexes1764003600000 implements MigrationInterface {
  name = 'DropRequestSubjectIndexes1764003600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS privacy_requests_email_idx`);
    await q.query(
      `ALTER TABLE privacy_requests DROP COLUMN email_index, DROP COLUMN subject_id_index`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE privacy_requests ADD COLUMN email_index text, ADD COLUMN subject_id_index text`,
    );
    await q.query(`CREATE INDEX privacy_requests_email_idx ON privacy_requests (email_index)`);
  }
}
