import { type SealedColumn, sealedColumnAt } from 'src/crypto/reseal/sealed-column';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConsentStateSnapshot, SubjectSignalSnapshot } from '../consent.types';

export interface NewConsentEvent {
  id: string;
  subjectRef: string;
  subjectEnc: string;
  purpose: string;
  purposeVersion: number;
  granted: boolean;
  source: string;
  policyVersion: string | null;
  evidence: Record<string, string>;
  expiresAt: Date | null;
  gpc: boolean;
  requestId: string | null;
  actorType: string;
  actorId: string | null;
  recordedAt: Date;
  receipt: string;
}

export interface ConsentEventRecord {
  seq: string;
  id: string;
  subject_ref: string;
  subject_enc: string;
  purpose_key: string;
  purpose_version: number;
  granted: boolean;
  source: string;
  policy_version: string | null;
  evidence: Record<string, string>;
  expires_at: Date | null;
  gpc: boolean;
  request_id: string | null;
  recorded_at: Date;
  receipt: string;
}

interface StateRecord {
  purpose_key: string;
  granted: boolean;
  purpose_version: number;
  source: string;
  expires_at: Date | null;
  recorded_at: Date;
  receipt_id: string;
  last_seq: string;
}

export function toStateSnapshot(r: StateRecord): ConsentStateSnapshot {
  return {
    seq: Number(r.last_seq),
    granted: r.granted,
    purposeVersion: r.purpose_version,
    source: r.source,
    expiresAt: r.expires_at?.toISOString() ?? null,
    recordedAt: r.recorded_at.toISOString(),
    receiptId: r.receipt_id,
  };
}

/**
 * A query answering a row when any subject of the caller's row `row` (an SQL expression of its
 * uuid) has a purpose granted, for a caller's statement that must not change that row then: the
 * subjects' refs are `$first`, each paired with its row's id in `$first + 1`.
 */
export const grantedToAnyOf = (first: number, row: string): string =>
  // The refs again as an array: the record set alone is guessed at 100 rows, and the states
  // would be scanned rather than probed by their key.
  `SELECT 1 FROM consent_states s
     JOIN unnest($${first}::text[], $${first + 1}::uuid[]) AS k(ref, row_id)
       ON k.ref = s.subject_ref
    WHERE s.subject_ref = ANY($${first}::text[]) AND s.granted AND k.row_id = ${row}`;

/** The append-only ledger, the current-state table and the per-subject GPC signal. */
@Injectable()
export class ConsentLedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Serialises writes for one subject until the transaction ends: sequence numbers are drawn
   * after the lock, so for a subject the highest sequence is always the last committed event.
   */
  async lockSubject(m: EntityManager, subjectRef: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('consent:' || $1, 0))`, [
      subjectRef,
    ]);
  }

  /** Up to `limit` subject indexes not starting with `prefix`, wherever the consent tables hold them. */
  async findSubjectRefsWithout(m: EntityManager, prefix: string, limit: number): Promise<string[]> {
    const rows = await m.query<Array<{ ref: string }>>(
      `SELECT ref FROM (
         SELECT subject_ref AS ref FROM consent_events
         UNION SELECT subject_ref FROM consent_states
         UNION SELECT subject_ref FROM consent_subject_signals) r
        WHERE NOT starts_with(ref, $1) LIMIT $2`,
      [prefix, limit],
    );
    return rows.map((r) => r.ref);
  }

  /**
   * Re-indexes subjects everywhere (`from[i]` becomes `to[i]`) in the caller's transaction; the
   * ledger lets exactly this through its append-only trigger.
   */
  async replaceSubjectRefs(m: EntityManager, from: string[], to: string[]): Promise<void> {
    await m.query(`SELECT set_config('privacy.service_value_move', 'on', true)`);
    for (const table of ['consent_events', 'consent_states', 'consent_subject_signals']) {
      await m.query(
        `UPDATE ${table} t SET subject_ref = r.next
           FROM unnest($1::text[], $2::text[]) AS r(prev, next) WHERE t.subject_ref = r.prev`,
        [from, to],
      );
    }
  }

  /** The events' sealed subject ids, read and replaced row by row when they move context. */
  subjectColumn(): Pick<SealedColumn, 'name' | 'page' | 'replace'> {
    return sealedColumnAt(
      { table: 'consent_events', column: 'subject_enc', key: 'seq', keyType: 'bigint' },
      (sql, params) =>
        this.dataSource.transaction(async (m) => {
          await m.query(`SELECT set_config('privacy.service_value_move', 'on', true)`);
          return m.query(sql, params);
        }),
    );
  }

  async append(m: EntityManager, e: NewConsentEvent): Promise<number> {
    const rows = await m.query<Array<{ seq: string }>>(
      `INSERT INTO consent_events (id, subject_ref, subject_enc, purpose_key, purpose_version,
          granted, source, policy_version, evidence, expires_at, gpc, request_id, actor_type,
          actor_id, recorded_at, receipt)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING seq`,
      [
        e.id,
        e.subjectRef,
        e.subjectEnc,
        e.purpose,
        e.purposeVersion,
        e.granted,
        e.source,
        e.policyVersion,
        JSON.stringify(e.evidence),
        e.expiresAt,
        e.gpc,
        e.requestId,
        e.actorType,
        e.actorId,
        e.recordedAt,
        e.receipt,
      ],
    );
    const seq = Number(rows[0].seq);
    await m.query(
      `INSERT INTO consent_states (subject_ref, purpose_key, granted, purpose_version, source,
          expires_at, recorded_at, receipt_id, last_seq)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
       ON CONFLICT (subject_ref, purpose_key) DO UPDATE SET granted = EXCLUDED.granted,
          purpose_version = EXCLUDED.purpose_version, source = EXCLUDED.source,
          expires_at = EXCLUDED.expires_at, recorded_at = EXCLUDED.recorded_at,
          receipt_id = EXCLUDED.receipt_id, last_seq = EXCLUDED.last_seq
        WHERE consent_states.last_seq < EXCLUDED.last_seq`,
      [
        e.subjectRef,
        e.purpose,
        e.granted,
        e.purposeVersion,
        e.source,
        e.expiresAt,
        e.recordedAt,
        e.id,
        seq,
      ],
    );
    return seq;
  }

  async setSignal(m: EntityManager, subjectRef: string, gpc: boolean, seq: number): Promise<void> {
    await m.query(
      `INSERT INTO consent_subject_signals (subject_ref, gpc, updated_at, last_seq)
       VALUES ($1, $2, now(), $3)
       ON CONFLICT (subject_ref) DO UPDATE SET gpc = EXCLUDED.gpc, updated_at = now(),
          last_seq = EXCLUDED.last_seq
        WHERE consent_subject_signals.last_seq < EXCLUDED.last_seq`,
      [subjectRef, gpc, seq],
    );
  }

  async findStates(
    subjectRef: string,
    purposes?: string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, ConsentStateSnapshot>> {
    const rows = await m.query<StateRecord[]>(
      `SELECT purpose_key, granted, purpose_version, source, expires_at, recorded_at, receipt_id,
              last_seq
         FROM consent_states
        WHERE subject_ref = $1 AND ($2::text[] IS NULL OR purpose_key = ANY($2))
        ORDER BY purpose_key`,
      [subjectRef, purposes ?? null],
    );
    return new Map(rows.map((r) => [r.purpose_key, toStateSnapshot(r)]));
  }

  async findSignal(subjectRef: string): Promise<SubjectSignalSnapshot | undefined> {
    const rows = await this.dataSource.query<Array<{ gpc: boolean; last_seq: string }>>(
      `SELECT gpc, last_seq FROM consent_subject_signals WHERE subject_ref = $1`,
      [subjectRef],
    );
    return rows[0] ? { gpc: rows[0].gpc, seq: Number(rows[0].last_seq) } : undefined;
  }

  async findHistory(
    subjectRef: string,
    afterSeq: number,
    limit: number,
  ): Promise<ConsentEventRecord[]> {
    return this.dataSource.query<ConsentEventRecord[]>(
      `SELECT * FROM consent_events WHERE subject_ref = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [subjectRef, afterSeq, limit],
    );
  }

  async findEvent(receiptId: string): Promise<ConsentEventRecord | undefined> {
    const rows = await this.dataSource.query<ConsentEventRecord[]>(
      `SELECT * FROM consent_events WHERE id = $1`,
      [receiptId],
    );
    return rows[0];
  }
}
