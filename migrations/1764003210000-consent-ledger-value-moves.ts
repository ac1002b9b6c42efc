import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger stays append-only, with one narrow exception for moving the service's own
 * values: a transaction that sets `privacy.service_value_move` may change an event's subject index
 * and sealed subject, and nothing else of it (deleting stays refused).
 */
export class ConsentLedgerValueMoves1764003210000 implements MigrationInterface {
  name = 'ConsentLedgerValueMoves1764003210000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND current_setting('privacy.service_value_move', true) = 'on'
           AND to_jsonb(NEW) - 'subject_ref' - 'subject_enc'
             = to_jsonb(OLD) - 'subject_ref' - 'subject_enc' THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
  }
}
