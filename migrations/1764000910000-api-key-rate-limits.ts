import { MigrationInterface, QueryRunner } from 'typeorm';

/** An API key's own requests-per-minute budget; null keeps the configured default. */
export class ApiKeyRateLimits1764000910000 implements MigrationInterface {
  name = 'ApiKeyRateLimits1764000910000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute integer
        CHECK (rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN rate_limit_per_minute`);
  }
}
