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

/**
 * Service specs run side by side on one database. A change to the registered stores takes this
 * advisory lock shared, so a spec about the whole set of stores holds it alone
 * (`withStoresToItself`) and sees no other spec's stores come or go meanwhile.
 */
const STORES_LOCK = 7310042;

/** What runs a query: the data source, or the connection holding the stores' lock. */
type Querier = Pick<DataSource, 'query'>;

/** A registered store row; the connection is never opened by these specs. */
export async function insertStore(
  ds: Querier,
  type: 'postgres' | 'mysql' | 'http' = 'postgres',
): Promise<{ id: string; name: string }> {
  const name = `store-${randomUUID()}`;
  const [row] = await ds.query<Array<{ id: string }>>(
    `WITH locked AS (SELECT pg_advisory_xact_lock_shared(${STORES_LOCK}))
     INSERT INTO data_stores (name, type, connection_ciphertext, connection_display)
     SELECT $1, $2, 'sealed', 'postgres://db.example/shop' FROM locked RETURNING id`,
    [name, type],
  );
  return { id: row.id, name };
}

/** Removes a registered store, as `insertStore` adds one. */
export async function deleteStore(ds: Querier, id: string): Promise<void> {
  await ds.query(
    `WITH locked AS (SELECT pg_advisory_xact_lock_shared(${STORES_LOCK}))
     DELETE FROM data_stores WHERE id = $1 AND EXISTS (SELECT 1 FROM locked)`,
    [id],
  );
}

/**
 * Runs `work` while no other spec changes the registered stores; `work` changes them through the
 * connection it is given, which holds the lock.
 */
export async function withStoresToItself<T>(
  ds: DataSource,
  work: (locked: Querier) => Promise<T>,
): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${STORES_LOCK})`);
    return await work(runner);
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(${STORES_LOCK})`);
    await runner.release();
  }
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
