import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { withDatabase } from './setup/services';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

/**
 * A shop as test and staging databases hold it: e-mail addresses on the reserved `.test` domain,
 * foreign keys down three levels, a product catalogue the subject's rows point at, an events
 * table keyed by the customer's id without a foreign key, and non-ASCII names.
 */
const DDL = [
  `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, full_name VARCHAR(200),
     phone VARCHAR(50))`,
  `CREATE TABLE products (id INT PRIMARY KEY, sku VARCHAR(50) NOT NULL, title VARCHAR(200))`,
  `CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers(id),
     total DECIMAL(10,2) NOT NULL)`,
  `CREATE TABLE order_items (id INT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders(id),
     product_id INT NOT NULL REFERENCES products(id), qty INT NOT NULL)`,
  `CREATE TABLE newsletter (id INT PRIMARY KEY, contact_email VARCHAR(200) NOT NULL,
     topic VARCHAR(100))`,
  `CREATE TABLE events (id INT PRIMARY KEY, customer_id INT NOT NULL, kind VARCHAR(50))`,
];

const NAMES = ['Zoë Löwe', 'José Ñúñez', 'Ana Łukasik', 'Émile Dubois'];

function rows(): Array<[string, unknown[][]]> {
  const customers = Array.from({ length: 24 }, (_, i) => [
    i + 1,
    `user${i + 1}@shop.test`,
    NAMES[i % NAMES.length],
    `+44 20 7946 0${String(100 + i)}`,
  ]);
  const products = [
    [1, 'SKU-1', 'Kettle'],
    [2, 'SKU-2', 'Teapot'],
  ];
  const orders = customers.map((c, i) => [i + 1, c[0], '19.99']);
  const items = orders.map((o, i) => [i + 1, o[0], 1 + (i % 2), 1]);
  const newsletter = customers.map((c, i) => [i + 1, c[1], 'offers']);
  const events = customers.map((c, i) => [i + 1, c[0], 'login']);
  return [
    ['customers', customers],
    ['products', products],
    ['orders', orders],
    ['order_items', items],
    ['newsletter', newsletter],
    ['events', events],
  ];
}

async function createPostgres(name: string): Promise<string> {
  const admin = new Client({
    connectionString: withDatabase(process.env.DATABASE_URL as string, 'postgres'),
  });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(process.env.DATABASE_URL as string, name);
  const c = new Client({ connectionString: url });
  await c.connect();
  for (const ddl of DDL) {
    await c.query(ddl);
  }
  for (const [table, values] of rows()) {
    for (const row of values) {
      await c.query(
        `INSERT INTO ${table} VALUES (${row.map((_, i) => `$${i + 1}`).join(',')})`,
        row,
      );
    }
  }
  await c.end();
  return url;
}

const MYSQL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

async function createMariadb(name: string): Promise<string> {
  const admin = await createConnection({ uri: MYSQL });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.end();
  const url = withDatabase(MYSQL, name);
  const c = await createConnection({ uri: url, charset: 'utf8mb4' });
  for (const ddl of DDL) {
    // MariaDB ignores a column-level REFERENCES: the keys are declared as table constraints.
    const table = /CREATE TABLE (\w+)/.exec(ddl)?.[1] ?? '';
    const keys = [...ddl.matchAll(/(\w+) INT NOT NULL REFERENCES (\w+)\((\w+)\)/g)];
    const plain = ddl.replace(/ REFERENCES \w+\(\w+\)/g, '');
    const constraints = keys.map(
      ([, column, parent, parentColumn]) =>
        `, CONSTRAINT ${table}_${column}_fk FOREIGN KEY (${column}) REFERENCES ${parent} (${parentColumn})`,
    );
    await c.query(`${plain.slice(0, plain.lastIndexOf(')'))}${constraints.join('')})`);
  }
  for (const [table, values] of rows()) {
    await c.query(`INSERT INTO ${table} VALUES ?`, [values]);
  }
  await c.end();
  return url;
}

describe('discovery scans propose a description', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let token: string;
  const db = `discovery_${randomBytes(3).toString('hex')}`;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    urls.postgres = await createPostgres(db);
    urls.mysql = await createMariadb(db);
    own = await ownDatabase('discovery');
    t = await createTestApp(own.env);
    token = await adminToken(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    const admin = new Client({
      connectionString: withDatabase(process.env.DATABASE_URL as string, 'postgres'),
    });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    await admin.end();
    const my = await createConnection({ uri: MYSQL });
    await my.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await my.end();
  });

  const api = () => ({
    post: (path: string, body: object) =>
      request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body),
    get: (path: string) => request(t.http).get(path).set('Authorization', `Bearer ${token}`),
  });

  /** Registers the store with a minimal description, scans it and gives the finished scan. */
  async function scanned(type: 'postgres' | 'mysql'): Promise<Record<string, unknown>> {
    const store = await api()
      .post('/v1/data-stores', {
        name: `discovery-${type}`,
        type,
        connection: { url: urls[type] },
        collections: [
          // Rows kept (a field nulled), so the foreign keys pointing here need no description.
          {
            name: 'customers',
            identity: { field: 'email', type: 'email' },
            fields: [{ name: 'full_name', erasure: 'null' }],
          },
        ],
      })
      .expect(201);
    const started = await api()
      .post(`/v1/data-stores/${store.body.id as string}/scans`, {})
      .expect(202);
    for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
      const scan = await api()
        .get(`/v1/data-stores/${store.body.id as string}/scans/${started.body.scanId as string}`)
        .expect(200);
      if (['completed', 'failed'].includes(scan.body.status as string)) {
        return scan.body as Record<string, unknown>;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the scan did not finish in time');
  }

  it.each(['postgres', 'mysql'] as const)(
    '%s: suggests identities from .test e-mails and names, references from foreign keys, and registers as it is',
    async (type) => {
      const scan = await scanned(type);
      expect(scan.status).toBe('completed');
      const emailColumn = (scan.columns as Array<Record<string, unknown>>).find(
        (c) => c.collection === 'customers' && c.field === 'email',
      );
      expect(emailColumn).toMatchObject({
        entities: [{ entity: 'EMAIL_ADDRESS', matchRatio: 1 }],
        suggestedCategory: 'contact',
      });
      const suggested = scan.suggestedCollections as Array<{
        name: string;
        identity?: object;
        references?: object[];
        fields: Array<{ name: string; category?: string }>;
      }>;
      expect(suggested.map((c) => [c.name, c.identity ?? null, c.references ?? []])).toEqual([
        ['customers', { field: 'email', type: 'email' }, []],
        ['events', { field: 'customer_id', type: 'subject_id' }, []],
        ['newsletter', { field: 'contact_email', type: 'email' }, []],
        ['orders', null, [{ field: 'customer_id', to: 'customers.id' }]],
        ['order_items', null, [{ field: 'order_id', to: 'orders.id' }]],
      ]);
      expect(suggested[0].fields).toEqual([
        { name: 'id' },
        { name: 'email', category: 'contact' },
        { name: 'full_name', category: 'identity' },
        { name: 'phone', category: 'contact' },
      ]);
      const registered = await api().post('/v1/data-stores', {
        name: `discovered-${type}`,
        type,
        connection: { url: urls[type] },
        collections: suggested,
      });
      expect(registered.status).toBe(201);
      expect(registered.body.collections).toEqual(suggested);
    },
  );
});
