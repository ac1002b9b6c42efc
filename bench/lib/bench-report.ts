import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';

export interface BenchRow {
  /** Case id as the benchmark's spec numbers it, e.g. "1" or "5-aws-kms". */
  readonly id: string;
  readonly name: string;
  /** Null when the case could not run here (printed as n/a, with `note` saying why). */
  readonly value: number | null;
  readonly unit: string;
  readonly note?: string;
  readonly extra?: Readonly<Record<string, number | string | null>>;
}

/** Collects benchmark rows, prints them as a table and writes them as JSON with machine facts. */
export class BenchReport {
  private readonly rows: BenchRow[] = [];
  private readonly startedAt = new Date();
  /** The machine is shared: its 1/5/15-minute load goes beside every figure. */
  private readonly loadAtStart = loadavg();

  constructor(readonly benchmark: string) {}

  add(row: BenchRow): void {
    this.rows.push(row);
  }

  get entries(): readonly BenchRow[] {
    return this.rows;
  }

  find(id: string): BenchRow | undefined {
    return this.rows.find((row) => row.id === id);
  }

  table(): string {
    const body = this.rows.map((row) => [
      row.id,
      row.name,
      row.value === null ? 'n/a' : BenchReport.format(row.value),
      row.unit,
      row.note ?? '',
    ]);
    const header = ['#', 'case', 'value', 'unit', 'note'];
    const widths = header.map((h, i) =>
      Math.max(h.length, ...body.map((cells) => cells[i].length)),
    );
    const line = (cells: string[]) =>
      cells
        .map((cell, i) => (i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ');
    const load = `load average ${this.loadAtStart.map((l) => l.toFixed(2)).join(', ')} at start, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} now (${cpus().length} cores)`;
    return [
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...body.map(line),
      load,
    ].join('\n');
  }

  writeJson(file: string, summary: Record<string, unknown> = {}): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const document = {
      benchmark: this.benchmark,
      startedAt: this.startedAt.toISOString(),
      machine: {
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        platform: process.platform,
        loadAverageAtStart: this.loadAtStart,
        loadAverageAtEnd: loadavg(),
      },
      summary,
      rows: this.rows,
    };
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  }

  private static format(value: number): string {
    if (Math.abs(value) >= 1000) {
      return Math.round(value).toLocaleString('en-US');
    }
    return value.toPrecision(4);
  }
}
