import request from 'supertest';
import {
  createScratchDatabases,
  type ScratchDatabases,
  type ScratchSeeder,
  seedScratch,
} from './scratch-databases';
import type { TestApp } from './test-app';

/** A shop database (customers -> orders -> order_items, addresses, support_tickets) per engine. */
export type ShopFixture = ScratchDatabases;

export interface ShopCustomer {
  id: number;
  email: string;
  name: string;
  phone: string;
  card: string;
}

const DDL = [
  `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(200),
     phone VARCHAR(50), card_number VARCHAR(40))`,
  `CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers(id),
     total DECIMAL(10,2) NOT NULL, placed_at TIMESTAMP NOT NULL)`,
  `CREATE TABLE order_items (id INT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders(id),
     sku VARCHAR(50) NOT NULL, qty INT NOT NULL)`,
  `CREATE TABLE addresses (id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers(id),
     street VARCHAR(200), city VARCHAR(100))`,
  `CREATE TABLE support_tickets (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL,
     topic VARCHAR(200), body TEXT)`,
  `CREATE INDEX orders_customer_idx ON orders (customer_id)`,
  `CREATE INDEX order_items_order_idx ON order_items (order_id)`,
  `CREATE INDEX addresses_customer_idx ON addresses (customer_id)`,
];

/** The description a test registers for both SQL stores. */
export const SHOP_COLLECTIONS = [
  {
    name: 'customers',
    identity: { field: 'email', type: 'email' },
    fields: [
      { name: 'email', category: 'contact', erasure: 'hash' },
      { name: 'name', category: 'identity', erasure: 'null' },
      { name: 'phone', category: 'contact', erasure: 'mask' },
      { name: 'card_number', category: 'financial', erasure: 'null' },
    ],
  },
  {
    name: 'orders',
    fields: [{ name: 'total' }],
    references: [{ field: 'customer_id', to: 'customers.id' }],
  },
  {
    name: 'order_items',
    fields: [{ name: 'sku' }],
    references: [{ field: 'order_id', to: 'orders.id' }],
  },
  {
    name: 'addresses',
    fields: [{ name: 'street', erasure: 'delete' }],
    references: [{ field: 'customer_id', to: 'customers.id' }],
  },
  {
    name: 'support_tickets',
    identity: { field: 'email', type: 'email' },
    fields: [{ name: 'body', erasure: 'delete' }],
  },
];

function luhnComplete(prefix: string): string {
  let sum = 0;
  const digits = `${prefix}0`.split('').map(Number).reverse();
  digits.forEach((d, i) => {
    if (i % 2 === 1) {
      const x = d * 2;
      sum += x > 9 ? x - 9 : x;
    } else {
      sum += d;
    }
  });
  return `${prefix}${(10 - (sum % 10)) % 10}`;
}

export function shopCustomer(id: number, tag: string): ShopCustomer {
  const n = String(id % 1000).padStart(3, '0');
  return {
    id,
    email: `customer${id}.${tag}@shop-example.com`,
    name: `Customer ${id}`,
    phone: `+44 20 7946 0${n}`,
    card: luhnComplete(`453201${String(id).padStart(9, '0')}`),
  };
}

/** Rows each customer gets: `orders` orders of `items` items, 2 addresses, 2 tickets. */
export interface SeedShape {
  customers: number;
  orders: number;
  items: number;
}

export function* shopRows(
  shape: SeedShape,
  tag: string,
  firstId = 1,
): Generator<[string, unknown[]]> {
  let orderId = firstId * 1000;
  let itemId = firstId * 1000_000;
  for (let c = firstId; c < firstId + shape.customers; c++) {
    const k = shopCustomer(c, tag);
    yield ['customers', [k.id, k.email, k.name, k.phone, k.card]];
    for (let a = 0; a < 2; a++) {
      yield ['addresses', [c * 10 + a, c, `${c} High Street`, 'London']];
      yield [
        'support_tickets',
        [c * 10 + a, k.email, `Ticket ${a}`, `Please help with order ${a}`],
      ];
    }
    for (let o = 0; o < shape.orders; o++) {
      orderId++;
      yield ['orders', [orderId, c, '19.99', new Date('2026-01-02T03:04:05Z')]];
      for (let i = 0; i < shape.items; i++) {
        itemId++;
        yield ['order_items', [itemId, orderId, `SKU-${i}`, 1 + (i % 3)]];
      }
    }
  }
}

const COLUMNS: Record<string, string> = {
  customers: 'id, email, name, phone, card_number',
  addresses: 'id, customer_id, street, city',
  support_tickets: 'id, email, topic, body',
  orders: 'id, customer_id, total, placed_at',
  order_items: 'id, order_id, sku, qty',
};
const TABLE_ORDER = ['customers', 'addresses', 'support_tickets', 'orders', 'order_items'];

/** Creates the two databases and inserts `shape` in batches (fast enough for a million rows). */
export async function createShop(shape: SeedShape, tag: string): Promise<ShopFixture> {
  const dbs = await createScratchDatabases(tag, 'shop');
  await seedScratch(dbs, async (seed) => {
    await seed.ddl(DDL);
    await insertAll(shape, tag, seed);
  });
  return dbs;
}

async function insertAll(shape: SeedShape, tag: string, seed: ScratchSeeder): Promise<void> {
  const batches = new Map<string, unknown[][]>(TABLE_ORDER.map((t) => [t, []]));
  const flush = async (table: string): Promise<void> => {
    const rows = batches.get(table) ?? [];
    batches.set(table, []);
    await seed.insert(table, COLUMNS[table], rows);
  };
  for (const [table, row] of shopRows(shape, tag)) {
    const rows = batches.get(table) as unknown[][];
    rows.push(row);
    if (rows.length >= 2000) {
      // Parents first so foreign keys hold.
      for (const t of TABLE_ORDER) {
        await flush(t);
        if (t === table) {
          break;
        }
      }
    }
  }
  for (const t of TABLE_ORDER) {
    await flush(t);
  }
}

/**
 * Removes every registered data store of an app on a database of the test's own. Refused on the
 * run's shared database: e2e files run side by side there, and another file's stores would go
 * from under its requests (a store removed between its registration and a request takes no task,
 * and the request completes without it).
 */
export async function deleteAllStores(t: TestApp, token: string): Promise<void> {
  const database = (url: string | undefined) => (url ? new URL(url).pathname : undefined);
  if (database(t.config.databaseUrl) === database(process.env.E2E_DATABASE_URL)) {
    throw new Error(
      'deleteAllStores on the shared e2e database: give the app its own (ownDatabase)',
    );
  }
  const list = await request(t.http)
    .get('/v1/data-stores')
    .set('Authorization', `Bearer ${token}`)
    .expect(200);
  for (const s of list.body.items as Array<{ id: string }>) {
    await request(t.http)
      .delete(`/v1/data-stores/${s.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
  }
}

/** Registers the shop in PostgreSQL and MariaDB, and the HTTP store `crm`, as an admin would. */
export async function registerShopStores(
  t: TestApp,
  token: string,
  shop: ShopFixture,
  http: { url: string; secret: string },
): Promise<void> {
  for (const [type, url] of [
    ['postgres', shop.postgresUrl],
    ['mysql', shop.mysqlUrl],
  ]) {
    await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: `shop-${type}`, type, connection: { url }, collections: SHOP_COLLECTIONS })
      .expect(201);
  }
  await request(t.http)
    .post('/v1/data-stores')
    .set('Authorization', `Bearer ${token}`)
    .send({ name: 'crm', type: 'http', connection: http, collections: [] })
    .expect(201);
}
