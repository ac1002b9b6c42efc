import { MigrationInterface, QueryRunner } from 'typeorm';

/** A discovery scan keeps the description it proposes, in the `collections` format. */
export class ScanSuggestedCollections1764000520000 implements MigrationInterface {
  name = 'ScanSuggestedCollections1764000520000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE data_store_scans ADD COLUMN suggested_collections jsonb NOT NULL DEFAULT '[]'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE data_store_scans DROP COLUMN suggested_collections`);
  }
}
