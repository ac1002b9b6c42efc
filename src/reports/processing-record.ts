import type { KeyringEntry, PurposeEntry, StoreEntry } from './report.repository';

/** A field that names a purpose but no category is recorded under this one. */
export const UNCATEGORISED = 'uncategorised';

export interface RecordPurpose extends PurposeEntry {
  dataCategories: string[];
  dataStores: string[];
}

export interface RecordStore {
  name: string;
  type: StoreEntry['type'];
  categories: string[];
  purposes: string[];
}

export interface ProcessingRecord {
  generatedAt: string;
  purposes: RecordPurpose[];
  /** Purpose keys named by fields but not registered: the record has a gap to fill. */
  unregisteredPurposes: Array<{ key: string; dataStores: string[] }>;
  dataStores: RecordStore[];
  /** Product backends that receive the subject's identifiers (http stores). */
  recipients: Array<{ name: string; host: string }>;
  retention: Array<{ records: string; period: string }>;
  keyProviders: Array<{ alias: string; provider: string; activeVersion: number; protects: string }>;
}

export interface RecordSettings {
  now: Date;
  rootProvider: string;
  defaultAlias: string;
  retention: ProcessingRecord['retention'];
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** Builds the GDPR Art. 30 record from purposes, store descriptions and keyrings. */
export function buildProcessingRecord(
  purposes: PurposeEntry[],
  stores: StoreEntry[],
  keyrings: KeyringEntry[],
  settings: RecordSettings,
): ProcessingRecord {
  const byPurpose = new Map<string, { categories: Set<string>; stores: Set<string> }>();
  const dataStores = stores.map((store) => {
    const categories = new Set<string>();
    const storePurposes = new Set<string>();
    for (const collection of store.collections) {
      for (const field of collection.fields) {
        if (field.category) {
          categories.add(field.category);
        }
        for (const key of field.purposes ?? []) {
          storePurposes.add(key);
          const entry = byPurpose.get(key) ?? { categories: new Set(), stores: new Set() };
          entry.categories.add(field.category ?? UNCATEGORISED);
          entry.stores.add(store.name);
          byPurpose.set(key, entry);
        }
      }
    }
    return {
      name: store.name,
      type: store.type,
      categories: sorted(categories),
      purposes: sorted(storePurposes),
    };
  });
  const known = new Set(purposes.map((p) => p.key));
  return {
    generatedAt: settings.now.toISOString(),
    purposes: purposes.map((p) => ({
      key: p.key,
      name: p.name,
      legalBasis: p.legalBasis,
      dataCategories: sorted(byPurpose.get(p.key)?.categories ?? []),
      dataStores: sorted(byPurpose.get(p.key)?.stores ?? []),
    })),
    unregisteredPurposes: [...byPurpose.entries()]
      .filter(([key]) => !known.has(key))
      .map(([key, e]) => ({ key, dataStores: sorted(e.stores) }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    dataStores,
    recipients: stores
      .filter((s) => s.type === 'http')
      .map((s) => ({ name: s.name, host: hostOf(s.display) })),
    retention: settings.retention,
    keyProviders: keyrings.map((k) => ({
      alias: k.alias,
      provider: k.provider ?? settings.rootProvider,
      activeVersion: k.activeVersion,
      protects:
        k.alias === settings.defaultAlias
          ? 'subject data keys, data store connections and request subjects by default'
          : 'fields encrypted under this keyring by name',
    })),
  };
}

function hostOf(display: string): string {
  try {
    return new URL(display).host;
  } catch {
    return '(unparseable url)';
  }
}
