import { PoolConnection } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { MysqlConnector } from 'src/data-stores/connectors/mysql.connector';
import {
  PipelinedResult,
  PostgresPipelineQuery,
} from 'src/data-stores/connectors/postgres-pipeline.query';
import { PostgresConnector } from 'src/data-stores/connectors/postgres.connector';
import type { SqlConnector } from 'src/data-stores/connectors/sql.connector';
import { StoreError } from 'src/data-stores/connectors/store-error';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import { createFkShop, FK_COLLECTIONS, fkEmail, FkShop } from '../support/fk-shop-fixture';

const TAG = `trip${process.pid}`;
const COLLECTIONS = FK_COLLECTIONS as CollectionSpec[];

/** What the test asks of a store's own database, outside the connector. */
interface Admin {
  customers(id?: number): Promise<number>;
  /** Every order as `id:customer_id:address`, by id. */
  orders(): Promise<string[]>;
  refuseDeletes(on: boolean): Promise<void>;
  end(): Promise<void>;
}

async function postgresAdmin(url: string): Promise<Admin> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  await pg.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'refused by the store'; END $$`);
  return {
    customers: async (id) =>
      Number(
        (
          await pg.query<{ n: string }>(
            'SELECT count(*) AS n FROM customers WHERE $1::int IS NULL OR id = $1',
            [id ?? null],
          )
        ).rows[0].n,
      ),
    orders: async () =>
      (
        await pg.query<{ o: string }>(
          `SELECT concat_ws(':', id, coalesce(customer_id::text, '-'), coalesce(address, '-')) AS o
             FROM orders ORDER BY id`,
        )
      ).rows.map((r) => r.o),
    refuseDeletes: async (on) => {
      await pg.query(
        on
          ? 'CREATE TRIGGER refuse_delete BEFORE DELETE ON customers FOR EACH ROW EXECUTE FUNCTION refuse()'
          : 'DROP TRIGGER refuse_delete ON customers',
      );
    },
    end: () => pg.end(),
  };
}

async function mysqlAdmin(url: string): Promise<Admin> {
  const my = await createConnection({ uri: url });
  return {
    customers: async (id) => {
      const [rows] = await my.query(
        'SELECT count(*) AS n FROM customers WHERE ? IS NULL OR id = ?',
        [id ?? null, id ?? null],
      );
      return Number((rows as Array<{ n: number }>)[0].n);
    },
    orders: async () => {
      const [rows] = await my.query(
        `SELECT concat_ws(':', id, coalesce(customer_id, '-'), coalesce(address, '-')) AS o
           FROM orders ORDER BY id`,
      );
      return (rows as Array<{ o: string }>).map((r) => r.o);
    },
    refuseDeletes: async (on) => {
      await my.query(
        on
          ? `CREATE TRIGGER refuse_delete BEFORE DELETE ON customers FOR EACH ROW
               SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the store'`
          : 'DROP TRIGGER refuse_delete',
      );
    },
    end: () => my.end(),
  };
}

/**
 * An erasure's transaction and its after-check go to a SQL store in one round trip (a pipeline
 * of bound statements on PostgreSQL, one script on MariaDB); these hold its contract.
 */
describe.each([
  [
    'postgres',
    (s: FkShop) => new PostgresConnector(s.postgresUrl, COLLECTIONS, 'trip-key'),
    (s: FkShop) => postgresAdmin(s.postgresUrl),
  ],
  [
    'mysql',
    (s: FkShop) => new MysqlConnector(s.mysqlUrl, COLLECTIONS, 'trip-key'),
    (s: FkShop) => mysqlAdmin(s.mysqlUrl),
  ],
] as const)('%s erasure in one round trip', (engine, connect, administer) => {
  let shop: FkShop;
  let connector: SqlConnector;
  let admin: Admin;

  beforeAll(async () => {
    shop = await createFkShop(4, TAG);
    connector = connect(shop);
    admin = await administer(shop);
  });

  afterAll(async () => {
    await admin.end();
    await connector.close();
    await shop.drop();
  });

  it('erases what the plan counted and proves nothing reaches the subject, keeping bystanders', async () => {
    const subject = { email: fkEmail(2, TAG) };
    const planned = await connector.planErasure(subject);
    const ordersBefore = await admin.orders();
    expect(ordersBefore).toEqual(
      expect.arrayContaining(['11:1:1 High Street', '20:2:2 High Street']),
    );
    const { collections, remaining } = await connector.eraseWithProof(subject);
    expect(collections).toEqual(planned);
    expect(collections.find((c) => c.collection === 'customers')).toMatchObject({ rows: 1 });
    // A kept order's address and link go in one statement; each step still counts its rows.
    expect(collections.filter((c) => c.collection === 'orders')).toEqual([
      { collection: 'orders', action: 'updated', rows: 2 },
      { collection: 'orders', action: 'unlinked', rows: 2 },
    ]);
    expect(await admin.orders()).toEqual(
      ordersBefore.map((o) => (/^2[01]:/.test(o) ? `${o.split(':')[0]}:-:-` : o)),
    );
    expect(remaining).toMatchObject({ customers: 0, orders: 0 });
    expect(Object.values(remaining).every((n) => n === 0)).toBe(true);
    expect(await admin.customers(2)).toBe(0);
    expect(await admin.customers(1)).toBe(1);
    expect(await admin.customers(3)).toBe(1);
    // A second run finds nothing left.
    expect((await connector.erase(subject)).every((c) => c.rows === 0)).toBe(true);
  });

  it('sends values as values: quotes and backslashes match nothing and change nothing', async () => {
    const { collections } = await connector.eraseWithProof({
      email: `o'brien\\'; DELETE FROM customers; --@x.test`,
    });
    expect(collections.every((c) => c.rows === 0)).toBe(true);
    expect(await admin.customers()).toBe(3);
  });

  it('makes the record before the commit between the statements and the commit, and rolls back when it fails', async () => {
    const subject = { email: fkEmail(4, TAG) };
    const before = await connector.planErasure(subject);
    const refused = await connector
      .eraseWithProof(subject, {
        requestId: 'trip',
        beforeCommit: () => Promise.reject(new Error('the service database is away')),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(Error);
    expect(await connector.planErasure(subject)).toEqual(before);
    let recorded: { rows: number; commit: string | undefined } | undefined;
    const { collections, remaining } = await connector.eraseWithProof(subject, {
      requestId: 'trip',
      beforeCommit: async (erased, commit) => {
        // Not committed yet: the subject is still there for anyone else.
        expect(await admin.customers(4)).toBe(1);
        recorded = { rows: erased.reduce((n, c) => n + c.rows, 0), commit };
      },
    });
    expect(collections).toEqual(before);
    expect(recorded?.rows).toBe(before.reduce((n, c) => n + c.rows, 0));
    // PostgreSQL names its transaction so a rerun can ask whether it committed; MariaDB cannot.
    expect(recorded?.commit).toEqual(
      engine === 'postgres' ? expect.stringMatching(/^\d+$/) : undefined,
    );
    expect(Object.values(remaining).every((n) => n === 0)).toBe(true);
    expect(await admin.customers(4)).toBe(0);
  });

  it('rolls the whole transaction back when a statement fails, naming that statement’s table', async () => {
    await admin.refuseDeletes(true);
    const subject = { email: fkEmail(3, TAG) };
    const before = await connector.planErasure(subject);
    const failure = await connector.eraseWithProof(subject).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).table).toBe('customers');
    // The orders' unlinking ran before the refused delete and was rolled back with it.
    expect(await connector.planErasure(subject)).toEqual(before);
    await admin.refuseDeletes(false);
    // The connection the failure used is not reused in a broken state: the next erasure works.
    const { collections, remaining } = await connector.eraseWithProof(subject);
    expect(collections).toEqual(before);
    expect(remaining).toMatchObject({ customers: 0, orders: 0 });
    expect(Object.values(remaining).every((n) => n === 0)).toBe(true);
    expect(await admin.customers(3)).toBe(0);
  });
});

describe('postgres erasure pipelines', () => {
  let shop: FkShop;
  let client: Client;

  beforeAll(async () => {
    shop = await createFkShop(1, `${TAG}p`);
    client = new Client({ connectionString: shop.postgresUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await shop.drop();
  });

  const pipeline = (sql: string[]) =>
    new Promise<PipelinedResult[]>((resolve, reject) => {
      void client.query(
        new PostgresPipelineQuery(
          sql.map((s) => ({ sql: s, params: [] })),
          (error, results) => (error ? reject(error) : resolve(results)),
        ),
      );
    });

  it('prepares statements without values once per connection too (BEGIN, the id, COMMIT)', async () => {
    const statements = ['BEGIN', 'SELECT txid_current()::text AS id', 'COMMIT'];
    // A second Parse of a name would fail: the second pipeline binds the names prepared.
    const ids: Array<{ round: number; id: unknown }> = [];
    for (const round of [1, 2]) {
      const results = await pipeline(statements);
      ids.push({ round, id: results[1].rows[0].id });
    }
    expect(ids[0].id).not.toEqual(ids[1].id);
    const prepared = await client.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements ORDER BY statement',
    );
    expect(prepared.rows.map((r) => r.statement)).toEqual([...statements].sort());
  });
});

describe('mysql erasure scripts', () => {
  let shop: FkShop;
  let connector: MysqlConnector;

  beforeAll(async () => {
    shop = await createFkShop(3, `${TAG}s`);
    connector = new MysqlConnector(shop.mysqlUrl, COLLECTIONS, 'trip-key');
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await connector.close();
    await shop.drop();
  });

  it('prepares each statement once per connection and sends its values apart from its text', async () => {
    const sent: string[] = [];
    const original = PoolConnection.prototype.query;
    const query = jest.spyOn(PoolConnection.prototype, 'query').mockImplementation(function (
      this: PoolConnection,
      ...args: unknown[]
    ) {
      sent.push(String(args[0]));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    for (const id of [1, 2]) {
      const { remaining } = await connector.eraseWithProof(
        { email: fkEmail(id, `${TAG}s`) },
        { requestId: 'trip', beforeCommit: () => Promise.resolve() },
      );
      expect(Object.values(remaining).every((n) => n === 0)).toBe(true);
    }
    query.mockRestore();
    const scripts = sent.filter((s) => s.includes('EXECUTE'));
    // Each erasure: its statements, then COMMIT and the after-check.
    expect(scripts).toHaveLength(4);
    expect(scripts[0]).toContain('PREPARE');
    expect(scripts[1]).toContain('PREPARE');
    expect(scripts.slice(2).join('\n')).not.toMatch(/PREPARE|UPDATE|DELETE|SELECT/);
    expect(scripts[2]).toContain(fkEmail(2, `${TAG}s`));
    // The values do not stay in the session once the erasure is done.
    expect(scripts[3]).toMatch(/SET @er_v0 = NULL/);
    expect(await connector.planErasure({ email: fkEmail(3, `${TAG}s`) })).toContainEqual({
      collection: 'customers',
      action: 'deleted',
      rows: 1,
    });
  });
});
