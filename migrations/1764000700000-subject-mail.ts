import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail to data subjects and their status look-up: whether a request mails its subject, the hash
 * of the subject's status capability, and the outbox of subject mails, one row per request and
 * kind, written in the transaction of the change it announces. A row holds no address and no
 * plain reason: the address is decrypted from the request when the mail is sent.
 */
export class SubjectMail1764000700000 implements MigrationInterface {
  name = 'SubjectMail1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN notify boolean NOT NULL DEFAULT false`);
    // Public requests were always meant to be told; they gain it now.
    await q.query(`UPDATE privacy_requests SET notify = true WHERE source = 'public'`);
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN status_token_hash text`);
    await q.query(`
      CREATE TABLE subject_mail_outbox (
        id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES privacy_requests(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('receipt','extension','rejection','completion')),
        language text NOT NULL DEFAULT 'en',
        details jsonb NOT NULL DEFAULT '{}',
        reason_ciphertext text,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending','sending','sent','failed','skipped')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        claimed_at timestamptz,
        sent_at timestamptz,
        CONSTRAINT subject_mail_outbox_once UNIQUE (request_id, kind)
      )`);
    await q.query(`
      CREATE INDEX subject_mail_outbox_open_idx ON subject_mail_outbox (created_at)
        WHERE status IN ('pending','sending')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE subject_mail_outbox`);
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN status_token_hash`);
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN notify`);
  }
}
