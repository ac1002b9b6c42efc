import { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys limited to some keyring aliases; null keeps every existing key on every alias. */
export class ApiKeyAliases1764000900000 implements MigrationInterface {
  name = 'ApiKeyAliases1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys ADD COLUMN key_aliases text[]
        CHECK (key_aliases IS NULL OR cardinality(key_aliases) > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN key_aliases`);
  }
}
