import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanText } from './engine/scanner';
import { PRESIDIO_PHONE_REGIONS } from './recognizers/phone.recognizer';
import { isEntityType, type EntityType, type PhoneLeniency, type PhoneOptions } from './types';

/** Presidio's own recognizer tests, kept outside the repository (../shared/datasets). */
const DATASET = resolve(__dirname, '../../..', '../shared/datasets/presidio-parity');
const TARGET = 0.95;

interface ParityCase {
  text: string;
  expectedCount: number;
  positions: [number, number][] | null;
  extra?: { leniency?: number; recognizer?: string };
}
interface ParityFile {
  apiEntity: string | null;
  recognizer: string;
  cases: ParityCase[];
}
interface IndexFile {
  files: { file: string; apiEntity: string | null }[];
}

const LENIENCY: readonly PhoneLeniency[] = [
  'POSSIBLE',
  'VALID',
  'STRICT_GROUPING',
  'EXACT_GROUPING',
];

/** Presidio's PhoneRecognizer defaults, and the extra regions a test file adds. */
function phoneOptions(recognizer: string, extra: ParityCase['extra']): PhoneOptions {
  const added = /DEFAULT_SUPPORTED_REGIONS \+ \(([^)]*)\)/.exec(extra?.recognizer ?? recognizer);
  const regions = [
    ...PRESIDIO_PHONE_REGIONS,
    ...(added ? [...added[1].matchAll(/'([A-Z]{2})'/g)].map((m) => m[1]) : []),
  ];
  return { regions, leniency: LENIENCY[extra?.leniency ?? 1] };
}

function runCase(entity: EntityType, file: ParityFile, c: ParityCase): boolean {
  const findings = scanText(c.text, {
    entities: [entity],
    minScore: 0,
    phone: phoneOptions(file.recognizer, c.extra),
  });
  if (findings.length !== c.expectedCount) {
    return false;
  }
  if (c.positions === null) {
    return true;
  }
  const got = new Set(findings.map((f) => `${f.start}:${f.end}`));
  return c.positions.every(([s, e]) => got.has(`${s}:${e}`));
}

const describeIfData = existsSync(DATASET) ? describe : describe.skip;
if (!existsSync(DATASET)) {
  console.warn(`Presidio parity set not found at ${DATASET}; skipping the parity test.`);
}

describeIfData('Presidio parity', () => {
  it(`matches at least ${TARGET * 100}% of Presidio's cases for every contract entity`, () => {
    const index = JSON.parse(readFileSync(resolve(DATASET, 'index.json'), 'utf8')) as IndexFile;
    const results = new Map<EntityType, { total: number; ok: number; misses: string[] }>();
    for (const entry of index.files) {
      if (entry.apiEntity === null || !isEntityType(entry.apiEntity)) {
        continue;
      }
      const entity = entry.apiEntity;
      const file = JSON.parse(readFileSync(resolve(DATASET, entry.file), 'utf8')) as ParityFile;
      const r = results.get(entity) ?? { total: 0, ok: 0, misses: [] };
      for (const c of file.cases) {
        r.total++;
        if (runCase(entity, file, c)) {
          r.ok++;
        } else {
          r.misses.push(
            `${JSON.stringify(c.text)} expected ${c.expectedCount} ${JSON.stringify(c.positions)}`,
          );
        }
      }
      results.set(entity, r);
    }
    const lines = [...results.entries()].map(
      ([e, r]) =>
        `${e.padEnd(14)} ${String(r.ok).padStart(4)}/${String(r.total).padEnd(4)} ${((100 * r.ok) / r.total).toFixed(1)}%${r.misses.map((m) => `\n    miss: ${m}`).join('')}`,
    );
    console.log(`Presidio parity (count and spans):\n${lines.join('\n')}`);
    const below = [...results.entries()].filter(([, r]) => r.ok / r.total < TARGET).map(([e]) => e);
    expect(below).toEqual([]);
  });
});
