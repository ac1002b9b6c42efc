/*
 * Throughput and latency of libs/dlp over a generated mixed corpus (prose, log lines, JSON).
 * Every case first runs over a warm-up corpus of its own seed, so the JIT has compiled the
 * scanner; the measured passes then read records the scanner has not seen, as a service does
 * (caches of earlier windows do not help). Records are flat strings, as read from a request body.
 * The case the target is for reads five such corpora and reports the median pass: on a shared
 * machine a burst of load from elsewhere during one short pass would otherwise decide it.
 */
import { faker } from '@faker-js/faker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogRedactor, ENTITY_TYPES, scanText, type EntityType } from '@libs/dlp';

const CORPUS_BYTES = 4 * 1024 * 1024;
const WARM_UP_BYTES = 8 * 1024 * 1024;

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

/** Records of about `bytes` in all, from `seed`, each a flat string as decoded from a body. */
function corpus(seed: number, bytes: number): string[] {
  faker.seed(seed);
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const r = Buffer.from(record(), 'utf8');
    parts.push(r.toString('utf8'));
    n += r.length;
  }
  return parts;
}

/** 1 KB records: prose and log lines padded to about 1,024 bytes. */
function kiloRecords(seed: number, count: number): string[] {
  faker.seed(seed);
  const out: string[] = [];
  while (out.length < count) {
    let r = '';
    while (r.length < 1000) {
      r += `${record()}\n`;
    }
    out.push(Buffer.from(r.slice(0, 1024), 'utf8').toString('utf8'));
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU seconds (user + system) this process has used: on a shared machine, unlike wall-clock. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function wallSeconds(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

interface Row {
  name: string;
  /** Bytes per CPU second of this (single-threaded) process: the per-core figure. */
  cpuMbPerSec: number;
  /** Bytes per elapsed second: lower when other processes share the cores. */
  wallMbPerSec: number;
  /** Findings in the first corpus. */
  findings: number;
  /** Each pass's MB per CPU second, in corpus order. */
  passes: number[];
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}

/** `fn` after the warm-up, one timed pass over each corpus; the median pass. */
function throughput(name: string, corpora: string[][], fn: (s: string) => number): Row {
  for (const r of warmUp) {
    fn(r);
  }
  const passes = corpora.map((records) => {
    const bytes = records.reduce((n, r) => n + Buffer.byteLength(r), 0);
    const c0 = cpuSeconds();
    const w0 = wallSeconds();
    let findings = 0;
    for (const r of records) {
      findings += fn(r);
    }
    const cpu = cpuSeconds() - c0;
    const wall = wallSeconds() - w0;
    return { cpu: bytes / 1e6 / cpu, wall: bytes / 1e6 / wall, findings };
  });
  return {
    name,
    cpuMbPerSec: median(passes.map((p) => p.cpu)),
    wallMbPerSec: median(passes.map((p) => p.wall)),
    findings: passes[0].findings,
    passes: passes.map((p) => Math.round(p.cpu * 10) / 10),
  };
}

const TARGET_MB_PER_CPU_SECOND = 20;
const ALL_ENTITIES_FINDINGS = 15324;
const allButPerson = ENTITY_TYPES.filter((e) => e !== 'PERSON');
const warmUp = corpus(7, WARM_UP_BYTES);
const records = corpus(42, CORPUS_BYTES);
const redact = createLogRedactor();
const rows: Row[] = [
  throughput(
    'scan, all entities',
    [142, 242, 342, 442].reduce((all, seed) => [...all, corpus(seed, CORPUS_BYTES)], [records]),
    (r) => scanText(r).length,
  ),
  throughput(
    'scan, all but PERSON',
    [corpus(43, CORPUS_BYTES)],
    (r) => scanText(r, { entities: allButPerson }).length,
  ),
  throughput('log redactor', [corpus(44, CORPUS_BYTES)], (r) => (redact(r) === r ? 0 : 1)),
];
/** Per entity, over the first corpus again: repeat passes, which the phone window cache helps. */
const perEntity: Row[] = ENTITY_TYPES.map((e: EntityType) =>
  throughput(`  ${e} alone`, [records], (r) => scanText(r, { entities: [e] }).length),
);

/** Per-record CPU time has the kernel's accounting resolution (µs); wall time is also shown. */
const kilo = kiloRecords(45, 5000);
for (const r of kiloRecords(8, 1000)) {
  scanText(r);
}
const cpuUs: number[] = [];
const wallUs: number[] = [];
for (const r of kilo) {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  scanText(r);
  wallUs.push(Number(process.hrtime.bigint() - w0) / 1e3);
  const c = process.cpuUsage(c0);
  cpuUs.push(c.user + c.system);
}
cpuUs.sort((a, b) => a - b);
wallUs.sort((a, b) => a - b);
const latency = {
  records: kilo.length,
  cpuP50us: percentile(cpuUs, 50),
  cpuP99us: percentile(cpuUs, 99),
  wallP50us: percentile(wallUs, 50),
  wallP99us: percentile(wallUs, 99),
  wallMaxUs: wallUs[wallUs.length - 1],
};

const all = rows[0];
console.log(
  `libs/dlp benchmark: ${records.length} records, ${(CORPUS_BYTES / 1e6).toFixed(1)} MB per corpus, fresh corpora after a ${(WARM_UP_BYTES / 1e6).toFixed(1)} MB warm-up (the median of five for all entities), single thread, node ${process.version}`,
);
console.log(
  `${'case'.padEnd(26)} ${'MB/s CPU'.padStart(9)} ${'MB/s wall'.padStart(10)} ${'findings'.padStart(9)}  CPU passes`,
);
for (const r of [...rows, ...perEntity]) {
  console.log(
    `${r.name.padEnd(26)} ${r.cpuMbPerSec.toFixed(1).padStart(9)} ${r.wallMbPerSec.toFixed(1).padStart(10)} ${String(r.findings).padStart(9)}  ${r.passes.length > 1 ? r.passes.join(' ') : ''}`,
  );
}
console.log(
  `1 KB records (scan, all entities): CPU p50 ${latency.cpuP50us.toFixed(0)} µs, p99 ${latency.cpuP99us.toFixed(0)} µs; wall p50 ${latency.wallP50us.toFixed(0)} µs, p99 ${latency.wallP99us.toFixed(0)} µs, max ${latency.wallMaxUs.toFixed(0)} µs`,
);
console.log(
  `target (scan, all entities, per CPU second): ${all.cpuMbPerSec.toFixed(1)} MB/s vs >= ${TARGET_MB_PER_CPU_SECOND} MB/s: ${all.cpuMbPerSec >= TARGET_MB_PER_CPU_SECOND ? 'met' : 'NOT met'}`,
);
if (all.findings !== ALL_ENTITIES_FINDINGS) {
  console.log(
    `findings changed: ${all.findings} for all entities, expected ${ALL_ENTITIES_FINDINGS} on this corpus`,
  );
  process.exitCode = 1;
}

const outDir = resolve(__dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  resolve(outDir, 'dlp.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, corpusBytes: CORPUS_BYTES, records: records.length, targetMbPerCpuSecond: TARGET_MB_PER_CPU_SECOND, throughput: rows, perEntity, latency1KB: latency }, null, 2)}\n`,
);
