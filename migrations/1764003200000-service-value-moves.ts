import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which of the service's own stored values have been moved to the contexts the public crypto API
 * cannot present (one row a column, written once its last row has moved), so a finished move is
 * not read through again at every start.
 */
export class ServiceValueMoves1764003200000 implements MigrationInterface {
  name = 'ServiceValueMoves1764003200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_value_moves (
        name text PRIMARY KEY,
        moved integer NOT NULL CHECK (moved >= 0),
        done_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE service_value_moves`);
  }
}
