import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that keep /metrics cheap on a large history: requests counted by status and type from
 * the index alone, and failed tasks found without reading every task.
 */
export class MetricsIndexes1764002600000 implements MigrationInterface {
  name = 'MetricsIndexes1764002600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX privacy_requests_status_type_idx ON privacy_requests (status, type)`,
    );
    await q.query(
      `CREATE INDEX privacy_request_tasks_failed_idx ON privacy_request_tasks (data_store_name)
        WHERE status = 'failed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX privacy_request_tasks_failed_idx`);
    await q.query(`DROP INDEX privacy_requests_status_type_idx`);
  }
}
