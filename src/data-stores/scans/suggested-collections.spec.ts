import { checkDescription } from 'src/data-stores/catalogue/description-checker';
import type { CatalogueTable } from 'src/data-stores/connectors/connector.interface';
import type { ScanColumnResult } from 'src/data-stores/entities/data-store-scan.entity';
import type { ForeignKey } from 'src/data-stores/erasure/foreign-key';
import { suggestCollections } from './suggested-collections';

/** Catalogue tables from column names; types do not matter to a proposal. */
const tables = (spec: Record<string, string[]>): CatalogueTable[] =>
  Object.entries(spec).map(([name, columns]) => ({
    name,
    columns: columns.map((c) => ({ name: c, dataType: 'text', nullable: true })),
  }));

const fk = (
  table: string,
  column: string,
  refTable: string,
  refColumn = 'id',
  nullable = false,
): ForeignKey => ({
  constraint: `${table}_${column}_fkey`,
  table,
  columns: [column],
  refTable,
  refColumns: [refColumn],
  nullable,
  onDelete: 'no action',
});

/** Scan results: `entity` at `ratio` for the given columns, nothing found elsewhere. */
function scan(
  catalogue: CatalogueTable[],
  found: Readonly<Record<string, readonly [entity: string, ratio: number, category: string]>> = {},
  sampled = 10,
): ScanColumnResult[] {
  return catalogue.flatMap((t) =>
    t.columns.map(({ name: field }) => {
      const hit = found[`${t.name}.${field}`];
      return {
        collection: t.name,
        field,
        sampled,
        entities: hit ? [{ entity: hit[0], matchRatio: hit[1] }] : [],
        suggestedCategory: hit ? hit[2] : null,
      };
    }),
  );
}

const SHOP = tables({
  addresses: ['id', 'customer_id', 'street', 'city'],
  customers: ['id', 'email', 'name', 'phone'],
  order_items: ['id', 'order_id', 'product_id', 'qty'],
  orders: ['id', 'customer_id', 'total'],
  products: ['id', 'sku', 'title'],
  support_tickets: ['id', 'contact_email', 'body'],
});
const SHOP_KEYS = [
  fk('addresses', 'customer_id', 'customers'),
  fk('order_items', 'order_id', 'orders'),
  fk('order_items', 'product_id', 'products'),
  fk('orders', 'customer_id', 'customers'),
];
const SHOP_FOUND: Record<string, [string, number, string]> = {
  'customers.email': ['EMAIL_ADDRESS', 1, 'contact'],
  'customers.name': ['PERSON', 0.9, 'identity'],
  'customers.phone': ['PHONE_NUMBER', 1, 'contact'],
  'support_tickets.contact_email': ['EMAIL_ADDRESS', 0.95, 'contact'],
};

describe('suggestCollections', () => {
  const shop = suggestCollections(SHOP, scan(SHOP, SHOP_FOUND), SHOP_KEYS);

  it('proposes identified tables first, then the tables that reference them, down a chain', () => {
    expect(shop.map((c) => c.name)).toEqual([
      'customers',
      'support_tickets',
      'addresses',
      'orders',
      'order_items',
    ]);
  });

  it('takes the e-mail column as identity, before a phone column, from the entities found', () => {
    expect(shop.find((c) => c.name === 'customers')?.identity).toEqual({
      field: 'email',
      type: 'email',
    });
    expect(shop.find((c) => c.name === 'support_tickets')?.identity).toEqual({
      field: 'contact_email',
      type: 'email',
    });
  });

  it('gives references from foreign keys to proposed tables only, and no identity to them', () => {
    const items = shop.find((c) => c.name === 'order_items');
    expect(items?.identity).toBeUndefined();
    expect(items?.references).toEqual([{ field: 'order_id', to: 'orders.id' }]);
    expect(shop.find((c) => c.name === 'orders')?.references).toEqual([
      { field: 'customer_id', to: 'customers.id' },
    ]);
  });

  it('lists every column as a field, with the category the scan suggested', () => {
    expect(shop.find((c) => c.name === 'customers')?.fields).toEqual([
      { name: 'id' },
      { name: 'email', category: 'contact' },
      { name: 'name', category: 'identity' },
      { name: 'phone', category: 'contact' },
    ]);
  });

  it('passes the description check against the same catalogue', () => {
    expect(checkDescription(shop, SHOP)).toEqual([]);
  });

  it.each([
    [
      'a column named for e-mail in an empty table',
      { accounts: ['id', 'Email'] },
      {},
      0,
      { field: 'Email', type: 'email' },
    ],
    [
      'a column named for e-mail whose values are not e-mail',
      { accounts: ['id', 'email'] },
      {},
      10,
      undefined,
    ],
    [
      'a phone column when there is no e-mail',
      { accounts: ['id', 'mobile'] },
      { 'accounts.mobile': ['PHONE_NUMBER', 0.8, 'contact'] },
      10,
      { field: 'mobile', type: 'phone' },
    ],
    [
      'a phone column matching too rarely',
      { accounts: ['id', 'note'] },
      { 'accounts.note': ['PHONE_NUMBER', 0.2, 'contact'] },
      10,
      undefined,
    ],
    [
      'a subject id column that is no foreign key',
      { events: ['id', 'customerId', 'kind'] },
      {},
      10,
      { field: 'customerId', type: 'subject_id' },
    ],
    [
      'an id column named for something else',
      { events: ['id', 'session_id', 'order_no'] },
      {},
      10,
      undefined,
    ],
  ] as const)('identity from %s', (_, spec, found, sampled, identity) => {
    const catalogue = tables(
      Object.fromEntries(Object.entries(spec).map(([name, columns]) => [name, [...columns]])),
    );
    const [suggested] = suggestCollections(catalogue, scan(catalogue, found, sampled), []);
    expect(suggested?.identity).toEqual(identity);
  });

  it('leaves out self references, composite keys and references that would close a cycle', () => {
    const catalogue = tables({
      people: ['id', 'email', 'manager_id'],
      teams: ['id', 'lead_id', 'parent_id'],
      memberships: ['id', 'team_id', 'person_id', 'a', 'b'],
    });
    const keys: ForeignKey[] = [
      fk('people', 'manager_id', 'people', 'id', true),
      fk('teams', 'lead_id', 'people'),
      fk('teams', 'parent_id', 'memberships', 'id', true),
      fk('memberships', 'team_id', 'teams'),
      fk('memberships', 'person_id', 'people'),
      { ...fk('memberships', 'a', 'teams'), columns: ['a', 'b'], refColumns: ['id', 'lead_id'] },
    ];
    const found: Record<string, [string, number, string]> = {
      'people.email': ['EMAIL_ADDRESS', 1, 'contact'],
    };
    const suggested = suggestCollections(catalogue, scan(catalogue, found), keys);
    expect(suggested.map((c) => [c.name, c.references ?? []])).toEqual([
      ['people', []],
      ['teams', [{ field: 'lead_id', to: 'people.id' }]],
      [
        'memberships',
        [
          { field: 'team_id', to: 'teams.id' },
          { field: 'person_id', to: 'people.id' },
        ],
      ],
    ]);
    expect(checkDescription(suggested, catalogue)).toEqual([]);
  });

  it('proposes nothing for a store where no column identifies anyone', () => {
    const catalogue = tables({ products: ['id', 'sku'] });
    expect(suggestCollections(catalogue, scan(catalogue), [])).toEqual([]);
  });
});
