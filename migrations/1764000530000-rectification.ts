import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rectification requests: the type, and their corrections stored encrypted beside the subject. */
export class Rectification1764000530000 implements MigrationInterface {
  name = 'Rectification1764000530000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_requests DROP CONSTRAINT privacy_requests_type_check`);
    await q.query(`
      ALTER TABLE privacy_requests ADD CONSTRAINT privacy_requests_type_check
        CHECK (type IN ('access','erasure','rectification','opt_out_sale','opt_out_sharing'))`);
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN corrections_ciphertext text`);
    await q.query(`
      ALTER TABLE privacy_requests ADD CONSTRAINT privacy_requests_corrections_check
        CHECK ((type = 'rectification') = (corrections_ciphertext IS NOT NULL))`);
  }

  /** Refused while rectification requests exist: the old type check would not hold. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE privacy_requests DROP CONSTRAINT privacy_requests_corrections_check`,
    );
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN corrections_ciphertext`);
    await q.query(`ALTER TABLE privacy_requests DROP CONSTRAINT privacy_requests_type_check`);
    await q.query(`
      ALTER TABLE privacy_requests ADD CONSTRAINT privacy_requests_type_check
        CHECK (type IN ('access','erasure','opt_out_sale','opt_out_sharing'))`);
  }
}
