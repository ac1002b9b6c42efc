import type Redis from 'ioredis';
import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter kept in a Redis hash, for work done in worker processes, which serve no
 * /metrics of their own: every process adds to it, and any API instance's scrape reports the
 * deployment's total. Increments are sent without waiting (a lost one is a lost count, never a
 * slower job); a scrape that cannot reach Redis leaves the series out.
 */
export class SharedCounter<L extends string> {
  private readonly key: string;
  private readonly labelNames: readonly L[];

  constructor(
    private readonly redis: Redis,
    prefix: string,
    registry: Registry,
    definition: { name: string; help: string; labelNames: readonly L[] },
  ) {
    this.key = `${prefix}:metrics:${definition.name}`;
    const key = this.key;
    const labelNames = definition.labelNames;
    this.labelNames = labelNames;
    new Counter<L>({
      ...definition,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        let counts: Record<string, string>;
        try {
          counts = await redis.hgetall(key);
        } catch {
          return;
        }
        for (const [field, value] of Object.entries(counts)) {
          const values = JSON.parse(field) as string[];
          const labels = Object.fromEntries(
            labelNames.map((n, i) => [n, values[i] ?? '']),
          ) as Record<L, string>;
          this.inc(labels, Number(value));
        }
      },
    });
  }

  inc(labels: Record<L, string>, by = 1): void {
    const field = JSON.stringify(this.labelNames.map((name) => labels[name]));
    this.redis.hincrby(this.key, field, by).catch(() => undefined);
  }
}
