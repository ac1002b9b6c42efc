import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppConfig } from 'src/config/app-config';
import { QUEUE_NAMES } from 'src/queue/queue-names';
import { REDIS } from 'src/queue/redis.module';
import { OperationalFigures, OperationalFiguresRepository } from './operational-figures.repository';
import { SharedCounter } from './shared-counter';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Scrapes come every 15-60 s from each Prometheus; the database is asked at most this often. */
const FIGURES_TTL_MS = 10_000;

@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** DLP calls handled by this process, by operation (scan, redact) and input (text, json). */
  readonly dlpScans = new Counter({
    name: 'dlp_scans_total',
    help: 'DLP scans and redactions handled by this process',
    labelNames: ['operation', 'input'],
    registers: [this.registry],
  });

  readonly dlpBytes = new Counter({
    name: 'dlp_scanned_bytes_total',
    help: 'Bytes of text or JSON scanned by this process (UTF-8)',
    labelNames: ['operation'],
    registers: [this.registry],
  });

  /** Calls of the field-encryption API by keyring; `fields` counts the values they carried. */
  readonly cryptoOperations = new Counter({
    name: 'crypto_operations_total',
    help: 'Field-encryption API calls handled by this process, by operation and key alias',
    labelNames: ['operation', 'key_alias'],
    registers: [this.registry],
  });

  readonly cryptoFields = new Counter({
    name: 'crypto_fields_total',
    help: 'Fields encrypted, decrypted or rewrapped by this process, by operation and key alias',
    labelNames: ['operation', 'key_alias'],
    registers: [this.registry],
  });

  /** Consent webhook deliveries of every worker process, by outcome. */
  readonly webhookDeliveries: SharedCounter<'outcome'>;

  private figures: { at: number; value: Promise<OperationalFigures | null> } | null = null;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly figuresRepository: OperationalFiguresRepository,
    @Inject(REDIS) redis: Redis,
    config: AppConfig,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.webhookDeliveries = new SharedCounter(redis, config.redis.prefix, this.registry, {
      name: 'consent_webhook_deliveries_total',
      help: 'Consent webhook delivery attempts by outcome (delivered, failed, gone, refused, skipped)',
      labelNames: ['outcome'],
    });
    this.queueGauge();
    this.figureGauges();
  }

  private queueGauge(): void {
    const queues = (): Queue[] =>
      QUEUE_NAMES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const queue of queues()) {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) {
            this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }
        }
      },
    });
  }

  /**
   * Gauges read from PostgreSQL when scraped, all from one cached query, so neither requests nor
   * jobs pay for them. Without the database the series are left out rather than shown stale.
   */
  private figureGauges(): void {
    const read = (): Promise<OperationalFigures | null> => this.currentFigures();
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      fill: (g: Gauge<L>, f: OperationalFigures) => void,
    ): void => {
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          this.reset();
          const figures = await read();
          if (figures) {
            fill(this, figures);
          }
        },
      });
    };
    gauge('privacy_requests', 'Privacy requests by type and status', ['type', 'status'], (g, f) =>
      f.requests.forEach((r) => g.set({ type: r.type, status: r.status }, r.n)),
    );
    gauge('privacy_requests_overdue', 'Open privacy requests past their due date', [], (g, f) =>
      g.set(f.overdue),
    );
    gauge(
      'privacy_requests_due_within_7_days',
      'Open privacy requests due in the next 7 days (not yet overdue)',
      [],
      (g, f) => g.set(f.dueWithin7Days),
    );
    gauge(
      'privacy_request_tasks_failed',
      'Privacy request tasks that failed for good, by data store',
      ['store'],
      (g, f) => f.failedTasks.forEach((t) => g.set({ store: t.store }, t.n)),
    );
    gauge(
      'crypto_rotation_subject_keys',
      "Subject keys of each keyring's newest rotation: total to re-wrap and processed so far",
      ['key_alias', 'to_version', 'state'],
      (g, f) =>
        f.rotations.forEach((r) => {
          const labels = { key_alias: r.alias, to_version: String(r.toVersion) };
          g.set({ ...labels, state: 'total' }, r.total);
          g.set({ ...labels, state: 'processed' }, r.processed);
        }),
    );
    gauge(
      'crypto_rotation_progress_ratio',
      'Share of subject keys the newest rotation of each keyring has processed (1: done)',
      ['key_alias', 'to_version', 'status'],
      (g, f) =>
        f.rotations.forEach((r) =>
          g.set(
            { key_alias: r.alias, to_version: String(r.toVersion), status: r.status },
            r.total === 0 ? (r.status === 'completed' ? 1 : 0) : r.processed / r.total,
          ),
        ),
    );
  }

  private currentFigures(): Promise<OperationalFigures | null> {
    const now = Date.now();
    if (this.figures === null || now - this.figures.at > FIGURES_TTL_MS) {
      this.figures = {
        at: now,
        value: this.figuresRepository.read().catch(() => null),
      };
    }
    return this.figures.value;
  }
}
