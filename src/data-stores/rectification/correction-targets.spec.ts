import type { CollectionSpec } from 'src/data-stores/data-store.types';
import { correctionTargets } from './correction-targets';

const COLLECTIONS: CollectionSpec[] = [
  {
    name: 'customers',
    identity: { field: 'email', type: 'email' },
    fields: [{ name: 'name' }, { name: 'city' }],
  },
  {
    name: 'orders',
    fields: [{ name: 'city' }, { name: 'note' }],
    references: [{ field: 'customer_id', to: 'customers.id' }],
  },
  { name: 'tickets', identity: { field: 'email', type: 'email' }, fields: [{ name: 'body' }] },
];

describe('correctionTargets', () => {
  it('applies a correction without a collection to every collection describing the field', () => {
    expect(correctionTargets(COLLECTIONS, [{ field: 'city', value: 'Leeds' }])).toEqual([
      { collection: 'customers', assignments: [['city', 'Leeds']] },
      { collection: 'orders', assignments: [['city', 'Leeds']] },
    ]);
  });

  it('applies a correction naming a collection to that collection only', () => {
    expect(
      correctionTargets(COLLECTIONS, [{ collection: 'orders', field: 'city', value: 'York' }]),
    ).toEqual([{ collection: 'orders', assignments: [['city', 'York']] }]);
  });

  it('takes the identity field as a described field', () => {
    expect(
      correctionTargets(COLLECTIONS, [{ collection: 'tickets', field: 'email', value: 'n@x.io' }]),
    ).toEqual([{ collection: 'tickets', assignments: [['email', 'n@x.io']] }]);
  });

  it('changes last the collections whose identity the other rows are reached through', () => {
    const order = correctionTargets(COLLECTIONS, [
      { field: 'email', value: 'new@example.com' },
      { field: 'note', value: 'n' },
      { field: 'body', value: 'b' },
    ]).map((t) => t.collection);
    expect(order).toEqual(['orders', 'customers', 'tickets']);
  });

  it('answers nothing for a field no collection describes', () => {
    expect(correctionTargets(COLLECTIONS, [{ field: 'shoe_size', value: 44 }])).toEqual([]);
  });
});
