import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OPEN_STATUSES } from 'src/privacy-requests/privacy-request.state';

/** What the scrape-time gauges show: small aggregates, read together in one round trip. */
export interface OperationalFigures {
  requests: Array<{ type: string; status: string; n: number }>;
  overdue: number;
  dueWithin7Days: number;
  failedTasks: Array<{ store: string; n: number }>;
  rotations: Array<{
    alias: string;
    toVersion: number;
    status: string;
    total: number;
    processed: number;
  }>;
}

/**
 * Read-only aggregates over other capabilities' tables, for /metrics only: counts grouped on
 * indexed columns (status, due date) and the newest rotation of each keyring. Failed tasks are
 * found by `failed`, the stored flag their partial index names (`status = 'failed'` could not
 * use it).
 */
const FIGURES_SQL = `
  SELECT
    (SELECT coalesce(json_agg(r), '[]') FROM (
       SELECT type, status, count(*)::int AS n FROM privacy_requests GROUP BY type, status) r
    ) AS requests,
    (SELECT count(*)::int FROM privacy_requests
      WHERE status = ANY($1) AND coalesce(extended_due_at, due_at) < now()) AS overdue,
    (SELECT count(*)::int FROM privacy_requests
      WHERE status = ANY($1) AND coalesce(extended_due_at, due_at) >= now()
        AND coalesce(extended_due_at, due_at) < now() + interval '7 days') AS "dueWithin7Days",
    (SELECT coalesce(json_agg(t), '[]') FROM (
       SELECT data_store_name AS store, count(*)::int AS n FROM privacy_request_tasks
        WHERE failed GROUP BY data_store_name) t
    ) AS "failedTasks",
    (SELECT coalesce(json_agg(k), '[]') FROM (
       SELECT DISTINCT ON (alias) alias, to_version AS "toVersion", status, total, processed
         FROM key_rotations ORDER BY alias, to_version DESC) k
    ) AS rotations`;

@Injectable()
export class OperationalFiguresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(): Promise<OperationalFigures> {
    const [row] = await this.dataSource.query<OperationalFigures[]>(FIGURES_SQL, [OPEN_STATUSES]);
    return row;
  }
}
