import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface CheckpointRow {
  seq: string;
  eventCount: string;
  headHash: string;
  signed: string;
}

/** All SQL of audit checkpoints. */
@Injectable()
export class AuditCheckpointRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async all(): Promise<CheckpointRow[]> {
    return this.dataSource.query<CheckpointRow[]>(
      `SELECT seq::text AS "seq", event_count::text AS "eventCount", head_hash AS "headHash",
              signed
         FROM audit_checkpoints c ORDER BY c.seq, c.id`,
    );
  }

  async latest(): Promise<CheckpointRow | undefined> {
    const rows = await this.dataSource.query<CheckpointRow[]>(
      `SELECT seq::text AS "seq", event_count::text AS "eventCount", head_hash AS "headHash",
              signed
         FROM audit_checkpoints c ORDER BY c.seq DESC, c.id DESC LIMIT 1`,
    );
    return rows[0];
  }

  async insert(row: CheckpointRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_checkpoints (seq, event_count, head_hash, signed) VALUES ($1, $2, $3, $4)`,
      [row.seq, row.eventCount, row.headHash, row.signed],
    );
  }
}
