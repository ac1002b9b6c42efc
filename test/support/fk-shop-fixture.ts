import { createScratchDatabases, type ScratchDatabases, seedScratch } from './scratch-databases';

/**
 * A shop whose tables are tied by foreign keys as real schemas are: orders point at customers
 * by a nullable plain key (kept and unlinked by an erasure), wishlists cascade, visits are set
 * null by the store, reviews are not described at all, customers refer to each other (referred_by), and payments hold a NOT NULL
 * key on orders (so deleting orders would be refused).
 */
export type FkShop = ScratchDatabases;

const DDL = [
  `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(200),
     referred_by INT NULL,
     CONSTRAINT customers_referred_by_fk FOREIGN KEY (referred_by) REFERENCES customers (id))`,
  `CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NULL, address VARCHAR(200),
     total DECIMAL(10,2) NOT NULL,
     CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))`,
  `CREATE TABLE wishlists (id INT PRIMARY KEY, customer_id INT NOT NULL, item VARCHAR(100),
     CONSTRAINT wishlists_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
       ON DELETE CASCADE)`,
  `CREATE TABLE reviews (id INT PRIMARY KEY, customer_id INT NULL, stars INT NOT NULL,
     CONSTRAINT reviews_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))`,
  `CREATE TABLE visits (id INT PRIMARY KEY, customer_id INT NULL, page VARCHAR(100),
     CONSTRAINT visits_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
       ON DELETE SET NULL)`,
  `CREATE TABLE payments (id INT PRIMARY KEY, order_id INT NOT NULL, amount DECIMAL(10,2),
     CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id))`,
  `CREATE INDEX customers_email_idx ON customers (email)`,
];

/** PostgreSQL does not index referencing columns by itself; MariaDB does, under these names. */
const PG_INDEXES = [
  `CREATE INDEX customers_referred_by_fk ON customers (referred_by)`,
  `CREATE INDEX orders_customer_fk ON orders (customer_id)`,
  `CREATE INDEX wishlists_customer_fk ON wishlists (customer_id)`,
  `CREATE INDEX reviews_customer_fk ON reviews (customer_id)`,
  `CREATE INDEX visits_customer_fk ON visits (customer_id)`,
  `CREATE INDEX payments_order_fk ON payments (order_id)`,
];

/** Kept orders lose their address and their link; the customer row is deleted. */
export const FK_COLLECTIONS = [
  {
    name: 'customers',
    identity: { field: 'email', type: 'email' },
    fields: [
      { name: 'email', category: 'contact' },
      { name: 'name', category: 'identity', erasure: 'delete' },
    ],
  },
  {
    name: 'orders',
    fields: [{ name: 'address', category: 'contact', erasure: 'null' }],
    references: [{ field: 'customer_id', to: 'customers.id' }],
  },
];

export const fkEmail = (id: number, tag: string): string => `fk${id}.${tag}@shop-example.com`;

/** Customer `id` and what points at it: 2 orders with a payment each, 2 wishlists, 1 review. */
function rowsOf(id: number, email: string, referredBy: number | null): Array<[string, unknown[]]> {
  return [
    ['customers', [id, email, `Customer ${id}`, referredBy]],
    ['orders', [id * 10, id, `${id} High Street`, '10.00']],
    ['orders', [id * 10 + 1, id, `${id} High Street`, '12.50']],
    ['payments', [id * 10, id * 10, '10.00']],
    ['payments', [id * 10 + 1, id * 10 + 1, '12.50']],
    ['wishlists', [id * 10, id, 'tea']],
    ['wishlists', [id * 10 + 1, id, 'cake']],
    ['reviews', [id * 10, id, 5]],
    ['visits', [id * 10, id, '/basket']],
  ];
}

const COLUMNS: Record<string, string> = {
  customers: 'id, email, name, referred_by',
  orders: 'id, customer_id, address, total',
  payments: 'id, order_id, amount',
  wishlists: 'id, customer_id, item',
  reviews: 'id, customer_id, stars',
  visits: 'id, customer_id, page',
};

/**
 * Customers 1..count, each referred by the one before; `extra` adds customers by e-mail (a
 * bystander whose address only looks like a subject's), with ids from 900.
 */
export async function createFkShop(
  count: number,
  tag: string,
  extra: string[] = [],
): Promise<FkShop> {
  const dbs = await createScratchDatabases(tag, 'fkshop');
  const rows: Array<[string, unknown[]]> = [];
  for (let id = 1; id <= count; id++) {
    rows.push(...rowsOf(id, fkEmail(id, tag), id > 1 ? id - 1 : null));
  }
  extra.forEach((email, i) => rows.push(...rowsOf(900 + i, email, null)));
  await seedScratch(dbs, async (seed) => {
    await seed.ddl(DDL);
    for (const ddl of PG_INDEXES) {
      await seed.pg.query(ddl);
    }
    // Parents before the rows that point at them.
    for (const table of ['customers', 'orders', 'payments', 'wishlists', 'reviews', 'visits']) {
      const values = rows.filter(([t]) => t === table).map(([, v]) => v);
      for (let i = 0; i < values.length; i += 1000) {
        await seed.insert(table, COLUMNS[table], values.slice(i, i + 1000));
      }
    }
  });
  return dbs;
}
