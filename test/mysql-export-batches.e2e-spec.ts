import { randomBytes } from 'node:crypto';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { MysqlConnector } from 'src/data-stores/connectors/mysql.connector';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import { withDatabase } from './setup/services';

jest.setTimeout(60000);

const MYSQL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const ROWS = 1234;
/** Enough rows that the server cannot have sent them all while the reader holds one batch. */
const BIG_ROWS = 100_000;

const COLLECTIONS: CollectionSpec[] = [
  { name: 'customers', identity: { field: 'email', type: 'email' }, fields: [{ name: 'name' }] },
  {
    name: 'events',
    fields: [{ name: 'payload' }],
    references: [{ field: 'customer_id', to: 'customers.id' }],
  },
];

describe('MySQL and MariaDB exports read in batches', () => {
  const db = `export_batches_${randomBytes(3).toString('hex')}`;
  let connector: MysqlConnector;

  beforeAll(async () => {
    const admin = await createConnection({ uri: MYSQL });
    await admin.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`);
    await admin.query(`USE \`${db}\``);
    await admin.query(
      `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(200))`,
    );
    await admin.query(
      `CREATE TABLE events (id INT PRIMARY KEY, customer_id INT NOT NULL, payload TEXT,
         CONSTRAINT events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))`,
    );
    await admin.query(
      `INSERT INTO customers VALUES (1, 'zoe@shop.test', 'Zoë'), (2, 'x@shop.test', 'X')`,
    );
    const events = Array.from({ length: ROWS + 10 }, (_, i) => [
      i + 1,
      i < ROWS ? 1 : 2,
      `Grüße ${i + 1} — 東京`,
    ]);
    await admin.query(`INSERT INTO events VALUES ?`, [events]);
    await admin.query(
      `CREATE TABLE big_events (id INT PRIMARY KEY, customer_id INT NOT NULL, payload TEXT,
         CONSTRAINT big_events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))`,
    );
    await admin.query(
      `INSERT INTO big_events SELECT seq, 1, REPEAT('x', 200) FROM seq_1_to_${BIG_ROWS}`,
    );
    await admin.end();
    connector = new MysqlConnector(withDatabase(MYSQL, db), COLLECTIONS, 'k'.repeat(64));
  });
  afterAll(async () => {
    await connector?.close();
    const admin = await createConnection({ uri: MYSQL });
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.end();
  });

  async function batchesOf(collection: string): Promise<Array<Array<Record<string, unknown>>>> {
    for await (const c of connector.export({ email: 'zoe@shop.test' })) {
      if (c.collection === collection) {
        const batches = [];
        for await (const batch of c.records) {
          batches.push(batch);
        }
        return batches;
      }
    }
    return [];
  }

  it("hands over every one of the subject's rows, in batches of at most 500, text intact", async () => {
    const batches = await batchesOf('events');
    expect(batches.map((b) => b.length)).toEqual([500, 500, 234]);
    const payloads = new Set(batches.flat().map((r) => r.payload));
    expect(payloads.size).toBe(ROWS);
    expect(payloads.has('Grüße 1 — 東京')).toBe(true);
    expect(payloads.has(`Grüße ${ROWS + 1} — 東京`)).toBe(false);
  });

  it('leaves the pool usable after a reader stops half way', async () => {
    for (let i = 0; i < 12; i++) {
      for await (const c of connector.export({ email: 'zoe@shop.test' })) {
        if (c.collection === 'events') {
          for await (const batch of c.records) {
            expect(batch).toHaveLength(500);
            break;
          }
        }
      }
    }
    // More early stops than the pool has connections: each half-read one was dropped, not kept.
    expect((await batchesOf('events')).flat()).toHaveLength(ROWS);
  });

  it('rejects with a store error naming the table when the server stops the query mid-read, and keeps working', async () => {
    const big = new MysqlConnector(
      withDatabase(MYSQL, db),
      [
        COLLECTIONS[0],
        {
          name: 'big_events',
          fields: [{ name: 'payload' }],
          references: [{ field: 'customer_id', to: 'customers.id' }],
        },
      ],
      'k'.repeat(64),
    );
    const admin = await createConnection({ uri: withDatabase(MYSQL, db) });
    try {
      let batches = 0;
      const read = async () => {
        for await (const c of big.export({ email: 'zoe@shop.test' })) {
          for await (const batch of c.records) {
            if (c.collection !== 'big_events' || ++batches > 1) {
              continue;
            }
            // The reader holds the first batch; the server is blocked sending the rest.
            const [running] = await admin.query<RowDataPacket[]>(
              `SELECT id FROM information_schema.processlist
                WHERE db = DATABASE() AND command = 'Query' AND info LIKE '%big_events%'
                  AND id <> CONNECTION_ID()`,
            );
            expect(running).toHaveLength(1);
            expect(batch).toHaveLength(500);
            await admin.query(`KILL QUERY ${Number(running[0].id)}`);
          }
        }
      };
      await expect(read()).rejects.toMatchObject({
        name: 'StoreError',
        kind: 'transient',
        code: '1317',
        table: 'big_events',
      });
      expect(batches).toBeLessThan(BIG_ROWS / 500);
      expect((await batchesOf('events')).flat()).toHaveLength(ROWS);
    } finally {
      await admin.end();
      await big.close();
    }
  });
});
