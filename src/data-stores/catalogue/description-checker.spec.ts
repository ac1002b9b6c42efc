import type { CatalogueTable } from 'src/data-stores/connectors/connector.interface';
import type { CollectionSpec } from 'src/data-stores/data-store.types';
import type { ForeignKey } from 'src/data-stores/erasure/foreign-key';
import { checkDescription } from './description-checker';

const col = (name: string, nullable = true) => ({ name, dataType: 'integer', nullable });
const CATALOGUE: CatalogueTable[] = [
  { name: 'customers', columns: [col('id', false), { ...col('email'), dataType: 'text' }] },
  { name: 'orders', columns: [col('id', false), col('customer_id', false), col('total')] },
];
const customers: CollectionSpec = {
  name: 'customers',
  identity: { field: 'email', type: 'email' },
  fields: [],
};
const keptOrders: CollectionSpec = {
  name: 'orders',
  fields: [{ name: 'total', erasure: 'null' }],
  references: [{ field: 'customer_id', to: 'customers.id' }],
};
const NOT_NULL_KEY: ForeignKey = {
  constraint: 'orders_customer_fk',
  table: 'orders',
  columns: ['customer_id'],
  refTable: 'customers',
  refColumns: ['id'],
  nullable: false,
  onDelete: 'no action',
};

describe('description check with the store foreign keys', () => {
  const cases: Array<[string, CollectionSpec[], ForeignKey[], string[]]> = [
    ['no keys: nothing to refuse', [customers, keptOrders], [], []],
    [
      'a NOT NULL key from kept rows to deleted ones is named with its column',
      [customers, keptOrders],
      [NOT_NULL_KEY],
      [
        'deleting customers rows would be refused by foreign key orders_customer_fk: orders.customer_id is NOT NULL and orders rows are kept (updated, not deleted); make it nullable, ON DELETE CASCADE, or describe orders as deleted through a reference to customers',
      ],
    ],
    [
      'the same key is fine when the orders are deleted through the reference',
      [customers, { ...keptOrders, fields: [{ name: 'total' }] }],
      [NOT_NULL_KEY],
      [],
    ],
    [
      'a description that does not fit the store is reported first, keys unread',
      [{ ...customers, identity: { field: 'mail', type: 'email' } }, keptOrders],
      [NOT_NULL_KEY],
      ['column customers.mail does not exist'],
    ],
  ];
  it.each(cases)('%s', (_, collections, keys, messages) => {
    expect(checkDescription(collections, CATALOGUE, keys).map((p) => p.message)).toEqual(messages);
  });
});
