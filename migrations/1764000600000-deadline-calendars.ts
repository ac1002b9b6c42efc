import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines counted in each jurisdiction's calendar: the CCPA acknowledgement (due date, its
 * rule, when it was given) and the extension's reason kept beside its date and rule.
 */
export class DeadlineCalendars1764000600000 implements MigrationInterface {
  name = 'DeadlineCalendars1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE privacy_requests
        ADD COLUMN acknowledge_by timestamptz,
        ADD COLUMN acknowledge_rule text,
        ADD COLUMN acknowledged_at timestamptz,
        ADD COLUMN extension_reason text,
        ADD CONSTRAINT privacy_requests_acknowledge_rule_check
          CHECK ((acknowledge_by IS NULL) = (acknowledge_rule IS NULL)),
        ADD CONSTRAINT privacy_requests_extension_reason_check
          CHECK (extension_reason IS NULL OR extended_due_at IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE privacy_requests
        DROP COLUMN extension_reason,
        DROP COLUMN acknowledged_at,
        DROP COLUMN acknowledge_rule,
        DROP COLUMN acknowledge_by`);
  }
}
