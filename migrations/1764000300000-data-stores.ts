import { MigrationInterface, QueryRunner } from 'typeorm';

export class DataStores1764000300000 implements MigrationInterface {
  name = 'DataStores1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_stores (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('postgres','mysql','http')),
        connection_ciphertext text NOT NULL,
        connection_display text NOT NULL,
        collections jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE data_store_scans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        data_store_id uuid NOT NULL REFERENCES data_stores(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('queued','running','completed','failed')),
        columns jsonb NOT NULL DEFAULT '[]',
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX data_store_scans_store_idx ON data_store_scans (data_store_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE data_store_scans`);
    await q.query(`DROP TABLE data_stores`);
  }
}
