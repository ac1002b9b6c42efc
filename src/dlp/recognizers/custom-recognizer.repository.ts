import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** A stored custom recognizer. */
export interface CustomRecognizerRow {
  id: string;
  name: string;
  entity: string;
  pattern: string | null;
  denyList: string[] | null;
  caseSensitive: boolean;
  context: string[];
  score: number;
  createdBy: string | null;
  createdAt: Date;
}

export type NewCustomRecognizer = Omit<CustomRecognizerRow, 'id' | 'createdAt'>;

interface Record {
  id: string;
  name: string;
  entity: string;
  pattern: string | null;
  deny_list: string[] | null;
  case_sensitive: boolean;
  context: string[];
  score: number;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS =
  'id, name, entity, pattern, deny_list, case_sensitive, context, score, created_by, created_at';

const toRow = (r: Record): CustomRecognizerRow => ({
  id: r.id,
  name: r.name,
  entity: r.entity,
  pattern: r.pattern,
  denyList: r.deny_list,
  caseSensitive: r.case_sensitive,
  context: r.context,
  score: r.score,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** All SQL of the custom recognizers. */
@Injectable()
export class CustomRecognizerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async list(): Promise<CustomRecognizerRow[]> {
    const rows = await this.dataSource.query<Record[]>(
      `SELECT ${COLUMNS} FROM dlp_custom_recognizers ORDER BY name`,
    );
    return rows.map(toRow);
  }

  /** How many there are; creates wait for each other from here, so the bound holds. */
  async countForCreate(m: EntityManager): Promise<number> {
    await m.query('LOCK TABLE dlp_custom_recognizers IN SHARE ROW EXCLUSIVE MODE');
    const [{ n }] = await m.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM dlp_custom_recognizers',
    );
    return n;
  }

  /** The new row, or null when the name is taken. */
  async insert(m: EntityManager, r: NewCustomRecognizer): Promise<CustomRecognizerRow | null> {
    const rows = await m.query<Record[]>(
      `INSERT INTO dlp_custom_recognizers
         (name, entity, pattern, deny_list, case_sensitive, context, score, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (name) DO NOTHING
       RETURNING ${COLUMNS}`,
      [r.name, r.entity, r.pattern, r.denyList, r.caseSensitive, r.context, r.score, r.createdBy],
    );
    return rows.length === 0 ? null : toRow(rows[0]);
  }

  /** The deleted row, or null when there was none. */
  async delete(m: EntityManager, id: string): Promise<CustomRecognizerRow | null> {
    const rows = await m.query<[Record[], number]>(
      `DELETE FROM dlp_custom_recognizers WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0].length === 0 ? null : toRow(rows[0][0]);
  }
}
