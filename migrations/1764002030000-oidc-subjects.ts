import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users signed in through OpenID Connect are known by issuer and subject, not by e-mail. */
export class OidcSubjects1764002030000 implements MigrationInterface {
  name = 'OidcSubjects1764002030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_users ADD COLUMN oidc_subject text UNIQUE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE admin_users DROP COLUMN oidc_subject`);
  }
}
