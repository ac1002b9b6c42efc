import type { CatalogueTable } from 'src/data-stores/connectors/connector.interface';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import { mysqlDialect, postgresDialect } from 'src/data-stores/connectors/sql-dialect';
import { ErasurePlanner, stepCounts } from './erasure-planner';
import type { ForeignKey, ForeignKeyAction } from './foreign-key';

const SUBJECT = { email: 'jane@example.com' };

/** The identity columns' types, as the store's catalogue gives them. */
const CATALOGUE: CatalogueTable[] = [
  {
    name: 'customers',
    columns: [
      { name: 'id', dataType: 'integer', nullable: false },
      { name: 'email', dataType: 'text', nullable: false },
    ],
  },
  { name: 'accounts', columns: [{ name: 'email', dataType: 'text', nullable: false }] },
  { name: 'calls', columns: [{ name: 'phone', dataType: 'text', nullable: false }] },
];
/** How the PostgreSQL dialect matches customers.email: the column's own `=`, then the bytes. */
const PG_EMAIL = (column: string, n: number) =>
  `(${column} = $${n} AND translate(CAST(${column} AS text), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE "C" = CAST($${n + 1} AS text))`;
/** The MariaDB dialect's match of a text e-mail column (test/identity-matching proves it). */
const MY_EMAIL = (column: string) =>
  mysqlDialect.identityMatch({ sql: column, type: 'email', dataType: 'text' }, 'x', []);

const customers = (erasure?: 'delete' | 'null'): CollectionSpec => ({
  name: 'customers',
  identity: { field: 'email', type: 'email' },
  fields: [{ name: 'name', ...(erasure ? { erasure } : {}) }],
});
const orders = (erasure?: 'delete' | 'null'): CollectionSpec => ({
  name: 'orders',
  fields: [{ name: 'address', ...(erasure ? { erasure } : {}) }],
  references: [{ field: 'customer_id', to: 'customers.id' }],
});
const items: CollectionSpec = {
  name: 'order_items',
  fields: [{ name: 'sku' }],
  references: [{ field: 'order_id', to: 'orders.id' }],
};

function fk(
  table: string,
  column: string,
  refTable: string,
  options: { nullable?: boolean; onDelete?: ForeignKeyAction; name?: string } = {},
): ForeignKey {
  return {
    constraint: options.name ?? `${table}_${column}_fkey`,
    table,
    columns: [column],
    refTable,
    refColumns: ['id'],
    nullable: options.nullable ?? true,
    onDelete: options.onDelete ?? 'no action',
  };
}

const stepsOf = (collections: CollectionSpec[], keys: ForeignKey[]) =>
  new ErasurePlanner(collections, keys, postgresDialect, 'k', CATALOGUE)
    .plan(SUBJECT)
    .steps.map((s) => `${s.collection}:${s.action}`);

describe('erasure planner', () => {
  const orders2: Array<[string, CollectionSpec[], ForeignKey[], string[]]> = [
    [
      'kept rows pointing at a deleted customer are updated, then unlinked, then the customer goes',
      [customers('delete'), orders('null')],
      [fk('orders', 'customer_id', 'customers')],
      ['orders:updated', 'orders:unlinked', 'customers:deleted'],
    ],
    [
      'rows deleted through the reference need no unlinking: children first',
      [customers('delete'), orders(), items],
      [fk('orders', 'customer_id', 'customers'), fk('order_items', 'order_id', 'orders')],
      ['order_items:deleted', 'orders:deleted', 'customers:deleted'],
    ],
    [
      'a kept customer (updated) leaves its orders linked',
      [customers('null'), orders('null')],
      [fk('orders', 'customer_id', 'customers', { nullable: false })],
      ['orders:updated', 'customers:updated'],
    ],
    [
      'rows of a table not described are unlinked before the customer goes',
      [customers('delete')],
      [fk('reviews', 'customer_id', 'customers')],
      ['reviews:unlinked', 'customers:deleted'],
    ],
    [
      'ON DELETE CASCADE rows are shown (counted), not deleted by the plan',
      [customers('delete')],
      [fk('wishlists', 'customer_id', 'customers', { nullable: false, onDelete: 'cascade' })],
      ['wishlists:cascaded', 'customers:deleted'],
    ],
    [
      'ON DELETE SET NULL rows are shown as nulled by the store',
      [customers('delete')],
      [fk('reviews', 'customer_id', 'customers', { onDelete: 'set null' })],
      ['reviews:nulled', 'customers:deleted'],
    ],
    [
      'a cascade reaches further: rows pointing at cascaded rows are unlinked first',
      [customers('delete')],
      [
        fk('carts', 'customer_id', 'customers', { nullable: false, onDelete: 'cascade' }),
        fk('cart_notes', 'cart_id', 'carts'),
      ],
      ['carts:cascaded', 'cart_notes:unlinked', 'customers:deleted'],
    ],
    [
      'a self-reference (referred_by) is set null before the customer goes',
      [customers('delete')],
      [fk('customers', 'referred_by', 'customers')],
      ['customers:unlinked', 'customers:deleted'],
    ],
    [
      'a cycle of keys works when the key outside the description is nullable',
      [
        { ...customers('delete'), name: 'accounts' },
        {
          name: 'profiles',
          fields: [],
          references: [{ field: 'account_id', to: 'accounts.id' }],
        },
      ],
      [fk('profiles', 'account_id', 'accounts'), fk('accounts', 'main_profile_id', 'profiles')],
      ['accounts:unlinked', 'profiles:deleted', 'accounts:deleted'],
    ],
  ];
  it.each(orders2)('%s', (_, collections, keys, expected) => {
    expect(stepsOf(collections, keys)).toEqual(expected);
  });

  const refused: Array<[string, CollectionSpec[], ForeignKey[], RegExp, string]> = [
    [
      'a key on a column the erasure of kept rows hashes (the identity)',
      [customers('null')],
      [
        {
          constraint: 'tickets_email_fk',
          table: 'tickets',
          columns: ['customer_email'],
          refTable: 'customers',
          refColumns: ['email'],
          nullable: true,
          onDelete: 'no action',
        },
      ],
      /updating customers\.email \(hash\) would be refused by foreign key tickets_email_fk: tickets\.customer_email references it/,
      'collections[0]',
    ],
    [
      'a NOT NULL key from kept rows',
      [customers('delete'), orders('null')],
      [fk('orders', 'customer_id', 'customers', { nullable: false, name: 'orders_cust_fk' })],
      /orders_cust_fk: orders\.customer_id is NOT NULL and orders rows are kept/,
      'collections[0]',
    ],
    [
      'a NOT NULL key from a table not described',
      [customers('delete')],
      [fk('reviews', 'customer_id', 'customers', { nullable: false, onDelete: 'restrict' })],
      /reviews_customer_id_fkey: reviews\.customer_id is NOT NULL and reviews is not described/,
      'collections[0]',
    ],
    [
      'a NOT NULL self-reference',
      [customers('delete')],
      [fk('customers', 'referred_by', 'customers', { nullable: false })],
      /customers_referred_by_fkey: customers\.referred_by is NOT NULL/,
      'collections[0]',
    ],
    [
      'a NOT NULL key back into a cycle',
      [
        { ...customers('delete'), name: 'accounts' },
        { name: 'profiles', fields: [], references: [{ field: 'account_id', to: 'accounts.id' }] },
      ],
      [
        fk('profiles', 'account_id', 'accounts'),
        fk('accounts', 'main_profile_id', 'profiles', { nullable: false }),
      ],
      /accounts\.main_profile_id is NOT NULL and accounts rows are deleted only through other paths/,
      // The delete that would be refused is the one of profiles.
      'collections[1]',
    ],
  ];
  it.each(refused)(
    'refuses %s, naming collection, column and constraint',
    (_, c, keys, msg, at) => {
      const planner = new ErasurePlanner(c, keys, postgresDialect, 'k', CATALOGUE);
      expect(planner.structure.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(msg),
      ]);
      expect(planner.structure.problems[0].field).toBe(at);
    },
  );

  it('lets the store carry a hashed identity to rows whose key says ON UPDATE CASCADE', () => {
    const planner = new ErasurePlanner(
      [customers('null')],
      [
        {
          ...{
            constraint: 'tickets_email_fk',
            table: 'tickets',
            columns: ['customer_email'],
            refTable: 'customers',
            refColumns: ['email'],
            nullable: true,
            onDelete: 'no action',
          },
          onUpdate: 'cascade',
        },
      ],
      postgresDialect,
      'k',
      CATALOGUE,
    );
    expect(planner.structure.problems).toEqual([]);
  });

  it('unlinks kept rows with a NULL on the key column, scoped to the subject customers', () => {
    const plan = new ErasurePlanner(
      [customers('delete')],
      [fk('reviews', 'customer_id', 'customers')],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    const unlink = plan.steps[0];
    expect(unlink.statements).toEqual([
      {
        sql: `UPDATE "reviews" SET "customer_id" = NULL WHERE "customer_id" IN (SELECT "id" FROM "customers" WHERE ${PG_EMAIL('"email"', 1)})`,
        params: ['jane@example.com', 'jane@example.com'],
        table: 'reviews',
      },
    ]);
    expect(unlink.count.sql).toBe(
      `SELECT count(*) AS n FROM "reviews" WHERE "customer_id" IN (SELECT "id" FROM "customers" WHERE ${PG_EMAIL('"email"', 1)})`,
    );
  });

  it('updates a kept row and unlinks it in one statement where both reach the same rows', () => {
    const plan = new ErasurePlanner(
      [customers('delete'), orders('null')],
      [fk('orders', 'customer_id', 'customers'), fk('customers', 'referred_by', 'customers')],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    expect(plan.steps.map((s) => `${s.collection}:${s.action}:${s.statements.length}`)).toEqual([
      'orders:updated:1',
      'customers:unlinked:1',
      'orders:unlinked:0',
      'customers:deleted:1',
    ]);
    expect(plan.steps[0].statements[0].sql).toBe(
      `UPDATE "orders" SET "address" = NULL, "customer_id" = NULL WHERE "customer_id" IN (SELECT "id" FROM "customers" WHERE ${PG_EMAIL('"email"', 1)})`,
    );
    expect(plan.steps[2]).toMatchObject({ madeBy: 0, statements: [] });
    // Counted as before: the dry run and the after-check read each step's rows.
    expect(plan.steps[2].count.sql).toContain('FROM "orders" WHERE "customer_id" IN');
    expect(plan.storeRuns.size).toBe(0);
  });

  it('updates and unlinks a kept row in one joined statement on MariaDB', () => {
    const plan = new ErasurePlanner(
      [customers('delete'), orders('null')],
      [fk('orders', 'customer_id', 'customers')],
      mysqlDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    expect(plan.steps[0].statements.map((s) => s.sql)).toEqual([
      'UPDATE `customers` AS `t1` STRAIGHT_JOIN `orders` AS `t0` ON `t0`.`customer_id` = `t1`.`id` SET `t0`.`address` = NULL, `t0`.`customer_id` = NULL WHERE ' +
        MY_EMAIL('`t1`.`email`'),
    ]);
    expect(plan.steps[1]).toMatchObject({ action: 'unlinked', madeBy: 0, statements: [] });
  });

  it.each<[string, CollectionSpec]>([
    [
      'the update changes the key itself',
      {
        ...orders('null'),
        fields: [
          { name: 'address', erasure: 'null' },
          { name: 'customer_id', erasure: 'null' },
        ],
      },
    ],
    [
      'the update reaches other rows too (an identity of its own)',
      { ...orders('null'), identity: { field: 'email', type: 'email' } },
    ],
  ])('keeps the unlink apart when %s', (_, kept) => {
    const plan = new ErasurePlanner(
      [customers('delete'), kept],
      [fk('orders', 'customer_id', 'customers')],
      postgresDialect,
      'k',
      [
        ...CATALOGUE,
        { name: 'orders', columns: [{ name: 'email', dataType: 'text', nullable: true }] },
      ],
    ).plan(SUBJECT);
    const unlink = plan.steps.find((s) => s.action === 'unlinked');
    expect(unlink?.madeBy).toBeUndefined();
    expect(unlink?.statements.map((s) => s.sql)).toEqual([
      `UPDATE "orders" SET "customer_id" = NULL WHERE "customer_id" IN (SELECT "id" FROM "customers" WHERE ${PG_EMAIL('"email"', 1)})`,
    ]);
    expect(plan.steps.filter((s) => s.statements.length > 0)).toHaveLength(3);
  });

  it('unlinks on MariaDB by a forced join from the subject down (no per-row sub-query)', () => {
    const plan = new ErasurePlanner(
      [customers('delete')],
      [fk('customers', 'referred_by', 'customers')],
      mysqlDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    expect(plan.steps[0].statements.map((s) => s.sql)).toEqual([
      'UPDATE `customers` AS `t1` STRAIGHT_JOIN `customers` AS `t0` ON `t0`.`referred_by` = `t1`.`id` SET `t0`.`referred_by` = NULL WHERE ' +
        MY_EMAIL('`t1`.`email`'),
    ]);
    expect(plan.steps[1].statements.map((s) => s.sql)).toEqual([
      `DELETE \`t0\` FROM \`customers\` AS \`t0\` WHERE ${MY_EMAIL('`t0`.`email`')}`,
    ]);
  });

  it('counts every step in one statement, its parameters numbered across the steps', () => {
    const plan = new ErasurePlanner(
      [customers('delete'), orders('null')],
      [fk('orders', 'customer_id', 'customers')],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    const each = plan.steps.map((s) => s.count);
    expect(plan.steps.map((s) => `${s.collection}:${s.action}`)).toEqual([
      'orders:updated',
      'orders:unlinked',
      'customers:deleted',
    ]);
    // The update and the unlink reach the same rows: their count is read once.
    expect(each[1]).toEqual(each[0]);
    const distinct = [each[0], each[2]];
    expect(plan.counts.columns).toEqual([0, 0, 1]);
    expect(plan.counts.params).toEqual(distinct.flatMap((c) => c.params));
    expect(plan.counts.sql).toBe(
      `SELECT ${distinct
        .map((c, i) => {
          let n = distinct.slice(0, i).reduce((k, x) => k + x.params.length, 0);
          return `(${c.sql.replace(/\$\d+/g, () => `$${++n}`)}) AS "n${i * 2}"`;
        })
        .join(', ')}`,
    );
    expect(stepCounts(plan.counts, [2, 1])).toEqual([2, 2, 1]);
  });

  it('counts each run of steps the store does itself in one statement, before the delete', () => {
    const plan = new ErasurePlanner(
      [customers('delete'), orders('null')],
      [
        fk('orders', 'customer_id', 'customers'),
        fk('wishlists', 'customer_id', 'customers', { onDelete: 'cascade' }),
        fk('visits', 'customer_id', 'customers', { onDelete: 'cascade' }),
      ],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    const cascaded = plan.steps.flatMap((s, i) =>
      s.statements.length === 0 && s.madeBy === undefined ? [i] : [],
    );
    expect(cascaded).toHaveLength(2);
    expect(cascaded[1]).toBe(cascaded[0] + 1);
    expect([...plan.storeRuns.keys()]).toEqual([cascaded[0]]);
    const run = plan.storeRuns.get(cascaded[0]);
    expect(run?.steps).toBe(2);
    const each = cascaded.map((i) => plan.steps[i].count);
    expect(run?.counts.params).toEqual(each.flatMap((c) => c.params));
    expect(run?.counts.sql).toBe(
      `SELECT ${each
        .map((c, k) => {
          let n = each.slice(0, k).reduce((m, x) => m + x.params.length, 0);
          return `(${c.sql.replace(/\$\d+/g, () => `$${++n}`)}) AS "n${cascaded[k]}"`;
        })
        .join(', ')}`,
    );
    expect(plan.steps[plan.steps.length - 1].action).toBe('deleted');
    expect(cascaded[1]).toBeLessThan(plan.steps.length - 1);
  });

  it('matches a composite key as a row value', () => {
    const plan = new ErasurePlanner(
      [customers('delete')],
      [
        {
          constraint: 'lines_fk',
          table: 'lines',
          columns: ['shop_id', 'customer_id'],
          refTable: 'customers',
          refColumns: ['shop_id', 'id'],
          nullable: true,
          onDelete: 'no action',
        },
      ],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    expect(plan.steps[0].statements[0].sql).toBe(
      `UPDATE "lines" SET "shop_id" = NULL, "customer_id" = NULL WHERE ("shop_id", "customer_id") IN (SELECT "shop_id", "id" FROM "customers" WHERE ${PG_EMAIL('"email"', 1)})`,
    );
  });

  it('counts cascaded rows through the key while the store deletes them itself', () => {
    const [cascaded] = new ErasurePlanner(
      [customers('delete')],
      [fk('wishlists', 'customer_id', 'customers', { onDelete: 'cascade' })],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT).steps;
    expect(cascaded.statements).toEqual([]);
    expect(cascaded.count.sql).toContain('FROM "wishlists" WHERE "customer_id" IN');
  });

  it.each([
    ['postgres', postgresDialect],
    ['mariadb', mysqlDialect],
  ])('names its table on every %s statement it produces', (_, dialect) => {
    const plan = new ErasurePlanner(
      [
        customers('delete'),
        orders('null'),
        { ...items, fields: [{ name: 'sku', erasure: 'null' }] },
      ],
      [
        fk('orders', 'customer_id', 'customers'),
        fk('order_items', 'order_id', 'orders'),
        fk('reviews', 'customer_id', 'customers', { onDelete: 'cascade' }),
      ],
      dialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    for (const step of plan.steps) {
      for (const s of [...step.statements, step.count]) {
        expect(s.table).toBe(step.collection);
      }
    }
  });

  it('plans nothing for collections the subject cannot reach (no phone given)', () => {
    const plan = new ErasurePlanner(
      [{ name: 'calls', identity: { field: 'phone', type: 'phone' }, fields: [] }],
      [],
      postgresDialect,
      'k',
      CATALOGUE,
    ).plan(SUBJECT);
    expect(plan.steps).toEqual([
      {
        collection: 'calls',
        action: 'deleted',
        statements: [],
        count: { sql: 'SELECT count(*) AS n FROM "calls" WHERE 1 = 0', params: [], table: 'calls' },
      },
    ]);
  });
});

describe('plans kept by subject shape', () => {
  const catalogue: CatalogueTable[] = [
    ...CATALOGUE,
    { name: 'calls', columns: [{ name: 'customer_no', dataType: 'integer', nullable: true }] },
  ];
  const collections: CollectionSpec[] = [
    customers('delete'),
    orders('null'),
    { name: 'calls', identity: { field: 'customer_no', type: 'subject_id' }, fields: [] },
  ];
  const keys = [
    fk('orders', 'customer_id', 'customers'),
    fk('customers', 'referred_by', 'customers'),
  ];
  const subjects = [
    { email: 'jane@example.com' },
    { email: 'joe@example.com', subjectId: '42' },
    // An internationalised domain is looked for in both its spellings: other SQL.
    { email: 'ana@xn--bcher-kva.example' },
    { email: 'bob@example.com', subjectId: '0042' },
    // Not an integer: calls match nothing, with no parameter.
    { email: 'eve@example.com', subjectId: 'abc' },
    { email: 'max@example.com' },
    { subjectId: '7' },
  ];

  it.each([
    ['PostgreSQL', postgresDialect],
    ['MariaDB', mysqlDialect],
  ])('%s: each subject gets the plan a planner building it afresh makes', (_, dialect) => {
    const kept = new ErasurePlanner(collections, keys, dialect, 'k', catalogue);
    for (const round of [1, 2]) {
      for (const subject of subjects) {
        const fresh = new ErasurePlanner(collections, keys, dialect, 'k', catalogue).plan(subject);
        const params = [
          ...fresh.steps.flatMap((s) => [...s.statements, s.count]),
          fresh.counts,
        ].flatMap((s) => s.params);
        expect(params.every((p) => typeof p === 'string')).toBe(true);
        expect({ round, subject, plan: kept.plan(subject) }).toEqual({
          round,
          subject,
          plan: fresh,
        });
      }
    }
    expect(JSON.stringify(kept.plan({ email: 'max@example.com' }))).toContain('max@example.com');
    expect(JSON.stringify(kept.plan({ email: 'max@example.com' }))).not.toContain('jane');
  });
});
