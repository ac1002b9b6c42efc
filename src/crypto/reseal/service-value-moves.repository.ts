import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** The record of finished moves of the service's own values (`service_value_moves`). */
@Injectable()
export class ServiceValueMovesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async isDone(name: string, m?: EntityManager): Promise<boolean> {
    const rows = await (m ?? this.dataSource).query<unknown[]>(
      `SELECT 1 FROM service_value_moves WHERE name = $1`,
      [name],
    );
    return rows.length > 0;
  }

  async markDone(name: string, moved: number, m?: EntityManager): Promise<void> {
    await (m ?? this.dataSource).query(
      `INSERT INTO service_value_moves (name, moved) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, moved],
    );
  }

  /** Serialises one move across the instances starting together, until `m` commits. */
  async lock(m: EntityManager, name: string): Promise<void> {
    await m.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('service-value-move:' || $1, 0))`,
      [name],
    );
  }
}
