import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from 'src/audit/entities/audit-event.entity';
import { typeormOptions } from 'src/database/typeorm-options';
import { DataStoreEntity } from 'src/data-stores/entities/data-store.entity';
import { PrivacyRequestTaskEntity } from 'src/privacy-requests/entities/privacy-request-task.entity';
import { PrivacyRequestEntity } from 'src/privacy-requests/entities/privacy-request.entity';
import type { RequestStatus } from 'src/privacy-requests/privacy-request.state';

/** The run's migrated database (from the global setup), with the entities services map. */
export async function serviceDataSource(): Promise<DataSource> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: run through the jest "service" project');
  }
  const ds = new DataSource({
    ...typeormOptions(url, false),
    entities: [PrivacyRequestEntity, PrivacyRequestTaskEntity, DataStoreEntity, AuditEventEntity],
  });
  return ds.initialize();
}

/** A registered store row; the connection is never opened by these specs. */
export async function insertStore(
  ds: DataSource,
  type: 'postgres' | 'mysql' | 'http' = 'postgres',
): Promise<{ id: string; name: string }> {
  const name = `store-${randomUUID()}`;
  const [row] = await ds.query<Array<{ id: string }>>(
    `INSERT INTO data_stores (name, type, connection_ciphertext, connection_display)
     VALUES ($1, $2, 'sealed', 'postgres://db.example/shop') RETURNING id`,
    [name, type],
  );
  return { id: row.id, name };
}

/** A request row in `status`, received now and due in a month unless told otherwise. */
export async function insertRequest(
  ds: DataSource,
  status: RequestStatus,
  opts: { dueAt?: Date; type?: string } = {},
): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
       received_at, due_at, due_rule)
     VALUES ($1, $2, $3, 'GDPR', 'service', 'sealed', now(), $4, 'gdpr-1-calendar-month')`,
    [id, opts.type ?? 'erasure', status, opts.dueAt ?? new Date(Date.now() + 30 * 86400000)],
  );
  return id;
}

export async function insertTask(
  ds: DataSource,
  requestId: string,
  store: { id: string; name: string },
  status: 'pending' | 'in_progress' | 'completed' | 'failed' = 'pending',
): Promise<string> {
  const [row] = await ds.query<Array<{ id: string }>>(
    `INSERT INTO privacy_request_tasks (request_id, data_store_id, data_store_name, status)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [requestId, store.id, store.name, status],
  );
  return row.id;
}
