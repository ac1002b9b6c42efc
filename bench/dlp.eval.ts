/*
 * Detection quality of libs/dlp on a seeded synthetic corpus (bench/dlp-eval): per entity
 * precision, recall and F1, entity-level (a finding counts when it overlaps a labelled span of
 * its entity). Two thirds of the templates are the tuning half, the rest the held-out half;
 * both are reported. Writes bench/results/dlp-eval.json.
 *
 *   npm run eval:dlp [-- --records 2400 --seed 20261203 --show 20]
 * `--show N` prints up to N false positives and misses per entity, from the tuning half only.
 */
import { faker } from '@faker-js/faker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanText } from '@libs/dlp';
import { assemble, type EvalRecord } from './dlp-eval/record';
import { Scorer, type EntityScore, type Predicted } from './dlp-eval/score';
import { isHeldOut, setting, TEMPLATES } from './dlp-eval/templates';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RECORDS = arg('records', 2400);
const SEED = arg('seed', 20261203);
const SHOW = arg('show', 0);

function generate(): EvalRecord[] {
  faker.seed(SEED);
  const records: EvalRecord[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const index = i % TEMPLATES.length;
    const t = TEMPLATES[index];
    const { text, gold } = assemble(t.render(setting(faker)));
    records.push({ template: t.id, heldOut: isHeldOut(index), text, gold });
  }
  return records;
}

const records = generate();
const halves = { tuning: new Scorer(), heldOut: new Scorer() };
const examples = new Map<string, string[]>();
const note = (key: string, record: EvalRecord, s: Predicted): void => {
  const list = examples.get(key) ?? [];
  if (list.length < SHOW) {
    const before = record.text.slice(Math.max(0, s.start - 40), s.start);
    const after = record.text.slice(s.end, s.end + 25);
    list.push(
      `[${record.template}] ${JSON.stringify(before)} >>${record.text.slice(s.start, s.end)}<< ${JSON.stringify(after)}`,
    );
    examples.set(key, list);
  }
};
const t0 = process.hrtime.bigint();
for (const record of records) {
  const found = scanText(record.text).map((f) => ({
    entity: f.entity,
    start: f.start,
    end: f.end,
  }));
  const { falsePositives, misses } = (record.heldOut ? halves.heldOut : halves.tuning).add(
    record,
    found,
  );
  if (!record.heldOut && SHOW > 0) {
    falsePositives.forEach((p) => note(`false positive ${p.entity}`, record, p));
    misses.forEach((m) => note(`missed ${m.entity}`, record, m));
  }
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

const result = {
  date: new Date().toISOString(),
  seed: SEED,
  records: records.length,
  templates: {
    tuning: TEMPLATES.filter((_, i) => !isHeldOut(i)).map((t) => t.id),
    heldOut: TEMPLATES.filter((_, i) => isHeldOut(i)).map((t) => t.id),
  },
  matching: 'entity-level, any overlap',
  tuning: halves.tuning.scores(),
  heldOut: halves.heldOut.scores(),
};

const fmt = (s: EntityScore | undefined): string =>
  s === undefined
    ? `${'-'.padStart(6)} ${'-'.padStart(6)} ${'-'.padStart(6)} ${'-'.padStart(5)}`
    : `${s.precision.toFixed(2).padStart(6)} ${s.recall.toFixed(2).padStart(6)} ${s.f1.toFixed(2).padStart(6)} ${String(s.gold).padStart(5)}`;
const entities = [
  ...new Set([...Object.keys(result.tuning), ...Object.keys(result.heldOut)]),
].sort();
console.log(
  `libs/dlp evaluation: ${records.length} records from ${TEMPLATES.length} templates (seed ${SEED}), ${seconds.toFixed(1)} s`,
);
console.log(
  `${'entity'.padEnd(16)} ${'tuning: P'.padStart(9)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'gold'.padStart(5)} | ${'held-out: P'.padStart(11)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'gold'.padStart(5)}`,
);
for (const e of entities) {
  console.log(`${e.padEnd(16)}    ${fmt(result.tuning[e])} |      ${fmt(result.heldOut[e])}`);
}
for (const [key, list] of [...examples.entries()].sort()) {
  console.log(`\n${key}:\n  ${list.join('\n  ')}`);
}

const outDir = resolve(__dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, 'dlp-eval.json'), `${JSON.stringify(result, null, 2)}\n`);
