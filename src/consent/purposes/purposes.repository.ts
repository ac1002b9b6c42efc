import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LegalBasis, OptOutCategory } from '../consent.types';
import { PurposeRecord, PurposeRow, toPurposeRow } from './purpose.row';

export interface PurposeVersionInput {
  key: string;
  version: number;
  name: string;
  description: string;
  legalBasis: LegalBasis;
  optOutCategory: OptOutCategory | null;
}

const COLUMNS =
  'key, version, name, description, legal_basis, opt_out_category, created_at, updated_at';

@Injectable()
export class PurposesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async findLatest(key: string, m: EntityManager = this.dataSource.manager) {
    const rows = await m.query<PurposeRecord[]>(
      `SELECT ${COLUMNS} FROM consent_purposes WHERE key = $1`,
      [key],
    );
    return rows[0] ? toPurposeRow(rows[0]) : undefined;
  }

  /** Latest versions of the purposes with an opt-out category (all categories when none given). */
  async findOptOutPurposes(m: EntityManager, category?: OptOutCategory): Promise<PurposeRow[]> {
    const rows = await m.query<PurposeRecord[]>(
      `SELECT ${COLUMNS} FROM consent_purposes
        WHERE opt_out_category IS NOT NULL AND ($1::text IS NULL OR opt_out_category = $1)
        ORDER BY key`,
      [category ?? null],
    );
    return rows.map(toPurposeRow);
  }

  async findAll(m: EntityManager = this.dataSource.manager): Promise<PurposeRow[]> {
    const rows = await m.query<PurposeRecord[]>(`SELECT ${COLUMNS} FROM consent_purposes`);
    return rows.map(toPurposeRow);
  }

  async list(afterKey: string | undefined, limit: number): Promise<PurposeRow[]> {
    const rows = await this.dataSource.query<PurposeRecord[]>(
      `SELECT ${COLUMNS} FROM consent_purposes WHERE ($1::text IS NULL OR key > $1)
        ORDER BY key LIMIT $2`,
      [afterKey ?? null, limit],
    );
    return rows.map(toPurposeRow);
  }

  /** Inserts the purpose; undefined when the key is taken. */
  async insert(m: EntityManager, p: PurposeVersionInput): Promise<PurposeRow | undefined> {
    const rows = await m.query<PurposeRecord[]>(
      `INSERT INTO consent_purposes (key, version, name, description, legal_basis, opt_out_category)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
      [p.key, p.version, p.name, p.description, p.legalBasis, p.optOutCategory],
    );
    if (!rows[0]) {
      return undefined;
    }
    await this.insertVersion(m, p);
    return toPurposeRow(rows[0]);
  }

  /** Locks the purpose row so concurrent new versions are numbered one after the other. */
  async lockLatest(m: EntityManager, key: string): Promise<PurposeRow | undefined> {
    const rows = await m.query<PurposeRecord[]>(
      `SELECT ${COLUMNS} FROM consent_purposes WHERE key = $1 FOR UPDATE`,
      [key],
    );
    return rows[0] ? toPurposeRow(rows[0]) : undefined;
  }

  async update(m: EntityManager, p: PurposeVersionInput): Promise<PurposeRow> {
    // UPDATE answers [rows, rowCount] through TypeORM's postgres driver.
    const [rows] = await m.query<[PurposeRecord[], number]>(
      `UPDATE consent_purposes SET version = $2, name = $3, description = $4, legal_basis = $5,
              opt_out_category = $6, updated_at = now()
        WHERE key = $1 RETURNING ${COLUMNS}`,
      [p.key, p.version, p.name, p.description, p.legalBasis, p.optOutCategory],
    );
    await this.insertVersion(m, p);
    return toPurposeRow(rows[0]);
  }

  private async insertVersion(m: EntityManager, p: PurposeVersionInput): Promise<void> {
    await m.query(
      `INSERT INTO consent_purpose_versions (key, version, name, description, legal_basis, opt_out_category)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [p.key, p.version, p.name, p.description, p.legalBasis, p.optOutCategory],
    );
  }
}
