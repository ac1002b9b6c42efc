import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditedChange } from 'src/audit/audit.service';
import { type SealedColumn, sealedColumnAt } from 'src/crypto/reseal/sealed-column';
import type {
  ClaimedMail,
  OutboxDetails,
  OutboxEntry,
  SubjectMailKind,
} from './subject-mail.types';

const INSERT = `INSERT INTO subject_mail_outbox (id, request_id, kind, details, reason_ciphertext)`;
/** A second row of the same request and kind is never written: each is mailed at most once. */
const ONCE = 'ON CONFLICT ON CONSTRAINT subject_mail_outbox_once DO NOTHING';

/**
 * The outbox row of a change, as a statement that follows it in the same statement (`then` of an
 * AuditedChange): written for the request the change returned, so only when it happened.
 * `first` is the number of the first of its four parameters.
 */
export function outboxAfterChange(
  entry: OutboxEntry,
  first: number,
): { then: Array<{ name: string; sql: string }>; params: unknown[] } {
  const [id, kind, details, reason] = [0, 1, 2, 3].map((i) => `$${first + i}`);
  return {
    then: [
      {
        name: 'mail',
        sql: `${INSERT} SELECT ${id}::uuid, id, ${kind}, ${details}::jsonb, ${reason} FROM change ${ONCE} RETURNING id`,
      },
    ],
    params: [entry.id, entry.kind, JSON.stringify(entry.details), entry.reasonCiphertext],
  };
}

/**
 * `outboxAfterChange` for a change of several rows: each entry is written for its `row` (a
 * request's id) when the change returned that row as `id`. `first` numbers its five parameters.
 */
export function outboxAfterChanges(
  entries: Array<{ row: string; entry: OutboxEntry }>,
  first: number,
): { then: Array<{ name: string; sql: string }>; params: unknown[] } {
  const p = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  return {
    then: [
      {
        name: 'mail',
        sql: `${INSERT} SELECT m.id, c.id, m.kind, m.details::jsonb, m.reason
                FROM unnest(${p[0]}::uuid[], ${p[1]}::uuid[], ${p[2]}::text[], ${p[3]}::text[],
                            ${p[4]}::text[]) AS m(id, row_id, kind, details, reason)
                JOIN change c ON c.id = m.row_id
              ${ONCE} RETURNING id`,
      },
    ],
    params: [
      entries.map((e) => e.entry.id),
      entries.map((e) => e.row),
      entries.map((e) => e.entry.kind),
      entries.map((e) => JSON.stringify(e.entry.details)),
      entries.map((e) => e.entry.reasonCiphertext),
    ],
  };
}

/** All SQL of the subject mail outbox. */
@Injectable()
export class SubjectMailOutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The sealed reasons, read and replaced row by row when they move to a new context. */
  reasonColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return sealedColumnAt(
      { table: 'subject_mail_outbox', column: 'reason_ciphertext', key: 'id', keyType: 'uuid' },
      (sql, params) => this.dataSource.query(sql, params),
    );
  }

  /** In the caller's transaction, beside the change the mail announces. */
  async insert(m: EntityManager, requestId: string, entry: OutboxEntry): Promise<void> {
    await m.query(`${INSERT} VALUES ($1, $2, $3, $4::jsonb, $5) ${ONCE}`, [
      entry.id,
      requestId,
      entry.kind,
      JSON.stringify(entry.details),
      entry.reasonCiphertext,
    ]);
  }

  async findPendingIds(requestId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM subject_mail_outbox WHERE request_id = $1 AND status = 'pending'`,
      [requestId],
    );
    return rows.map((r) => r.id);
  }

  /** Pending rows older than `ageMs`, oldest first: their job may have been lost. */
  async findStalePending(ageMs: number, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM subject_mail_outbox
        WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY created_at LIMIT $2`,
      [ageMs, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Takes a pending row for sending, counting the attempt. Only one caller gets it: a second job
   * for the same row, or one after it was sent, finds nothing. A row waits while an earlier mail
   * of its request is still unsent, so the subject reads them in order (never "complete" before
   * "received").
   */
  async claim(id: string): Promise<ClaimedMail | undefined> {
    // An UPDATE answers [rows, count].
    const [rows] = await this.dataSource.query<
      [
        Array<{
          id: string;
          request_id: string;
          kind: SubjectMailKind;
          language: string;
          details: OutboxDetails;
          reason_ciphertext: string | null;
        }>,
        number,
      ]
    >(
      `UPDATE subject_mail_outbox o
          SET status = 'sending', claimed_at = now(), attempts = attempts + 1
        WHERE o.id = $1 AND o.status = 'pending'
          AND NOT EXISTS (
            SELECT 1 FROM subject_mail_outbox e
             WHERE e.request_id = o.request_id AND e.status IN ('pending', 'sending')
               AND (e.created_at, e.id) < (o.created_at, o.id))
        RETURNING o.id, o.request_id, o.kind, o.language, o.details, o.reason_ciphertext`,
      [id],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id,
          requestId: r.request_id,
          kind: r.kind,
          language: r.language,
          details: r.details,
          reasonCiphertext: r.reason_ciphertext,
        }
      : undefined;
  }

  /** Sent: recorded with its audit event in one statement. */
  sentChange(id: string): AuditedChange {
    return {
      sql: `UPDATE subject_mail_outbox SET status = 'sent', sent_at = now(), last_error = NULL
             WHERE id = $1 AND status = 'sending' RETURNING id`,
      params: [id],
    };
  }

  /** The server refused it, so it was not delivered: pending again for the next attempt. */
  async release(id: string, error: string): Promise<void> {
    await this.finishAttempt(id, 'pending', error);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.finishAttempt(id, 'failed', error);
  }

  async skip(id: string, why: string): Promise<void> {
    await this.finishAttempt(id, 'skipped', why);
  }

  /**
   * Rows left `sending` longer than any send can take: their worker died mid-send, so whether
   * the mail went out is unknown. They are failed, never sent again (at most once).
   */
  async failInterrupted(
    leaseMs: number,
  ): Promise<Array<{ id: string; requestId: string; kind: SubjectMailKind }>> {
    const [rows] = await this.dataSource.query<
      [Array<{ id: string; request_id: string; kind: SubjectMailKind }>, number]
    >(
      `UPDATE subject_mail_outbox
          SET status = 'failed', last_error = 'interrupted while sending; delivery unknown'
        WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1::double precision / 1000)
        RETURNING id, request_id, kind`,
      [leaseMs],
    );
    return rows.map((r) => ({ id: r.id, requestId: r.request_id, kind: r.kind }));
  }

  private async finishAttempt(id: string, status: 'pending' | 'failed' | 'skipped', error: string) {
    await this.dataSource.query(
      `UPDATE subject_mail_outbox SET status = $2, last_error = $3
        WHERE id = $1 AND status = 'sending'`,
      [id, status, error],
    );
  }
}
