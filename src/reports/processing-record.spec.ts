import { buildProcessingRecord } from './processing-record';
import type { StoreEntry } from './report.repository';

const settings = {
  now: new Date('2026-12-03T10:00:00Z'),
  rootProvider: 'local',
  defaultAlias: 'default',
  retention: [{ records: 'export packages', period: '7 days' }],
};

const shop: StoreEntry = {
  name: 'shop-db',
  type: 'postgres',
  display: 'postgres://shop@db.internal:5432/shop',
  collections: [
    {
      name: 'customers',
      identity: { field: 'email', type: 'email' },
      fields: [
        { name: 'email', category: 'contact', purposes: ['orders', 'newsletter'] },
        { name: 'street', category: 'address', purposes: ['orders'] },
        { name: 'notes' },
      ],
    },
    { name: 'orders', fields: [{ name: 'total', category: 'purchases' }] },
  ],
};
const crm: StoreEntry = {
  name: 'crm',
  type: 'http',
  display: 'https://crm.internal:8443/privacy',
  collections: [{ name: 'leads', fields: [{ name: 'score', purposes: ['profiling'] }] }],
};

describe('processing record', () => {
  const record = buildProcessingRecord(
    [
      { key: 'newsletter', name: 'Newsletter', legalBasis: 'consent' },
      { key: 'orders', name: 'Order fulfilment', legalBasis: 'contract' },
      { key: 'unused', name: 'Unused', legalBasis: 'legitimate_interests' },
    ],
    [shop, crm],
    [{ alias: 'default', provider: null, activeVersion: 2 }],
    settings,
  );

  it('lists under each purpose the categories and stores of the fields that name it', () => {
    expect(record.purposes).toEqual([
      {
        key: 'newsletter',
        name: 'Newsletter',
        legalBasis: 'consent',
        dataCategories: ['contact'],
        dataStores: ['shop-db'],
      },
      {
        key: 'orders',
        name: 'Order fulfilment',
        legalBasis: 'contract',
        dataCategories: ['address', 'contact'],
        dataStores: ['shop-db'],
      },
      {
        key: 'unused',
        name: 'Unused',
        legalBasis: 'legitimate_interests',
        dataCategories: [],
        dataStores: [],
      },
    ]);
  });

  it('lists each store with every category its fields carry', () => {
    expect(record.dataStores).toEqual([
      {
        name: 'shop-db',
        type: 'postgres',
        categories: ['address', 'contact', 'purchases'],
        purposes: ['newsletter', 'orders'],
      },
      { name: 'crm', type: 'http', categories: [], purposes: ['profiling'] },
    ]);
  });

  it('names purposes that fields use but nobody registered', () => {
    expect(record.unregisteredPurposes).toEqual([{ key: 'profiling', dataStores: ['crm'] }]);
  });

  it('names http backends as recipients by host only', () => {
    expect(record.recipients).toEqual([{ name: 'crm', host: 'crm.internal:8443' }]);
  });

  it('names the root provider for keyrings without a registration of their own', () => {
    expect(record.keyProviders).toEqual([
      expect.objectContaining({ alias: 'default', provider: 'local', activeVersion: 2 }),
    ]);
    expect(record.generatedAt).toBe('2026-12-03T10:00:00.000Z');
  });
});
