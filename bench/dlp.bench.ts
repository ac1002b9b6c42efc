/* Throughput and latency of libs/dlp over a generated mixed corpus (prose, log lines, JSON). */
import { faker } from '@faker-js/faker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogRedactor, ENTITY_TYPES, scanText, type EntityType } from '@libs/dlp';

faker.seed(42);
const CORPUS_BYTES = 4 * 1024 * 1024;

function pii(): string {
  switch (faker.number.int({ min: 0, max: 9 })) {
    case 0:
      return faker.internet.email();
    case 1:
      return faker.phone.number({ style: 'international' });
    case 2:
      return faker.finance.creditCardNumber();
    case 3:
      return faker.finance.iban({ formatted: faker.datatype.boolean() });
    case 4:
      return faker.internet.ipv4();
    case 5:
      return faker.internet.url();
    case 6:
      return `${faker.person.firstName()} ${faker.person.lastName()}`;
    case 7:
      return faker.internet.ipv6();
    case 8:
      return faker.finance.bitcoinAddress();
    default:
      return faker.internet.mac();
  }
}

/** Words of prose with about one token in twenty replaced by PII. */
function prose(words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    out.push(faker.number.int({ min: 0, max: 19 }) === 0 ? pii() : faker.lorem.word());
  }
  return `${out.join(' ')}.`;
}

function logLine(): string {
  return `${faker.date.recent().toISOString()} INFO [${faker.hacker.noun()}] request ${faker.string.uuid()} ${faker.internet.httpMethod()} /api/${faker.lorem.word()} status=${faker.internet.httpStatusCode()} took=${faker.number.int(900)}ms ${prose(8)}`;
}

function jsonRecord(): string {
  return JSON.stringify({
    id: faker.string.uuid(),
    createdAt: faker.date.past().toISOString(),
    note: prose(20),
    status: faker.helpers.arrayElement(['active', 'pending', 'closed']),
    amount: faker.finance.amount(),
    contact: faker.number.int(9) === 0 ? pii() : faker.lorem.word(),
  });
}

function record(): string {
  const kind = faker.number.int(2);
  return kind === 0
    ? prose(faker.number.int({ min: 20, max: 120 }))
    : kind === 1
      ? logLine()
      : jsonRecord();
}

function corpus(bytes: number): string[] {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const r = record();
    parts.push(r);
    n += Buffer.byteLength(r);
  }
  return parts;
}

/** 1 KB records: prose and log lines padded to about 1,024 bytes. */
function kiloRecords(count: number): string[] {
  const out: string[] = [];
  while (out.length < count) {
    let r = '';
    while (r.length < 1000) {
      r += `${record()}\n`;
    }
    out.push(r.slice(0, 1024));
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Row {
  name: string;
  mbPerSec: number;
  findings: number;
}

function throughput(name: string, records: string[], fn: (s: string) => number): Row {
  const bytes = records.reduce((n, r) => n + Buffer.byteLength(r), 0);
  for (const r of records.slice(0, 200)) {
    fn(r);
  }
  const t0 = process.hrtime.bigint();
  let findings = 0;
  for (const r of records) {
    findings += fn(r);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { name, mbPerSec: bytes / 1e6 / seconds, findings };
}

const allButPerson = ENTITY_TYPES.filter((e) => e !== 'PERSON');
const records = corpus(CORPUS_BYTES);
const redact = createLogRedactor();
const rows: Row[] = [
  throughput(
    'PHONE_NUMBER alone (cold)',
    records,
    (r) => scanText(r, { entities: ['PHONE_NUMBER'] }).length,
  ),
  throughput('scan, all entities', records, (r) => scanText(r).length),
  throughput(
    'scan, all but PERSON',
    records,
    (r) => scanText(r, { entities: allButPerson }).length,
  ),
  throughput('log redactor', records, (r) => (redact(r) === r ? 0 : 1)),
];
const perEntity: Row[] = ENTITY_TYPES.map((e: EntityType) =>
  throughput(`  ${e} alone`, records, (r) => scanText(r, { entities: [e] }).length),
);

const kilo = kiloRecords(5000);
const latencies: number[] = [];
for (const r of kilo) {
  const t0 = process.hrtime.bigint();
  scanText(r);
  latencies.push(Number(process.hrtime.bigint() - t0) / 1e3);
}
latencies.sort((a, b) => a - b);
const latency = {
  records: kilo.length,
  p50us: percentile(latencies, 50),
  p99us: percentile(latencies, 99),
  maxUs: latencies[latencies.length - 1],
};

console.log(
  `libs/dlp benchmark: ${records.length} records, ${(CORPUS_BYTES / 1e6).toFixed(1)} MB, single thread, node ${process.version}`,
);
console.log(`${'case'.padEnd(26)} ${'MB/s'.padStart(8)} ${'findings'.padStart(9)}`);
for (const r of [...rows, ...perEntity]) {
  console.log(
    `${r.name.padEnd(26)} ${r.mbPerSec.toFixed(1).padStart(8)} ${String(r.findings).padStart(9)}`,
  );
}
console.log(
  `1 KB records (scan, all entities): p50 ${latency.p50us.toFixed(0)} µs, p99 ${latency.p99us.toFixed(0)} µs, max ${latency.maxUs.toFixed(0)} µs`,
);

const outDir = resolve(__dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  resolve(outDir, 'dlp.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, corpusBytes: CORPUS_BYTES, records: records.length, throughput: rows, perEntity, latency1KB: latency }, null, 2)}\n`,
);
