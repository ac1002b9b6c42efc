import { getDataSourceToken } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { Registry } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SharedCounter } from 'src/health/shared-counter';
import { createApiKey } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const DAY = 86_400_000;

/** The value of one series in Prometheus text, or undefined when it is absent. */
function series(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name && wanted.every((l) => (match[2] ?? '').includes(l))) {
      return Number(match[3]);
    }
  }
  return undefined;
}

describe('/metrics: operational figures', () => {
  let t: TestApp;
  let db: Awaited<ReturnType<typeof ownDatabase>>;
  let ds: DataSource;
  const scrape = async (): Promise<string> =>
    (await request(t.http).get('/metrics').expect(200)).text;

  beforeAll(async () => {
    db = await ownDatabase('metrics');
    t = await createTestApp({ ...db.env, WORKERS: 'false' });
    ds = t.app.get<DataSource>(getDataSourceToken());
    const insert = (type: string, status: string, dueInDays: number): Promise<unknown> =>
      ds.query(
        `INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
           received_at, due_at, due_rule)
         VALUES (gen_random_uuid(), $1, $2, 'GDPR', 'service', 'sealed', now(), $3, 'gdpr-1-calendar-month')`,
        [type, status, new Date(Date.now() + dueInDays * DAY)],
      );
    await insert('erasure', 'in_progress', -2); // overdue
    await insert('erasure', 'queued', -1); // overdue
    await insert('access', 'queued', 3); // due within 7 days
    await insert('access', 'in_progress', 20);
    await insert('access', 'completed', -5); // answered: neither overdue nor due
    const [failed] = await ds.query<Array<{ id: string }>>(
      `INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
         received_at, due_at, due_rule)
       VALUES (gen_random_uuid(), 'erasure', 'failed', 'GDPR', 'service', 'sealed', now(), now(), 'r')
       RETURNING id`,
    );
    await ds.query(
      `INSERT INTO privacy_request_tasks (request_id, data_store_name, status)
       VALUES ($1, 'Shop Zürich', 'failed'), ($1, 'CRM', 'completed')`,
      [failed.id],
    );
    await ds.query(
      `INSERT INTO key_rotations (alias, from_version, to_version, status, total, processed)
       VALUES ('metrics-ring', 1, 2, 'running', 40, 10)`,
    );
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('counts privacy requests by type and status', async () => {
    const text = await scrape();
    expect(series(text, 'privacy_requests', { type: 'erasure', status: 'in_progress' })).toBe(1);
    expect(series(text, 'privacy_requests', { type: 'access', status: 'queued' })).toBe(1);
    expect(series(text, 'privacy_requests', { type: 'access', status: 'completed' })).toBe(1);
  });

  it('shows open requests past due and due within seven days, leaving answered ones out', async () => {
    const text = await scrape();
    expect(series(text, 'privacy_requests_overdue')).toBe(2);
    expect(series(text, 'privacy_requests_due_within_7_days')).toBe(1);
  });

  it('shows failed tasks by data store', async () => {
    const text = await scrape();
    expect(series(text, 'privacy_request_tasks_failed', { store: 'Shop Zürich' })).toBe(1);
    expect(series(text, 'privacy_request_tasks_failed', { store: 'CRM' })).toBeUndefined();
  });

  it('shows the progress of the newest rotation of each keyring', async () => {
    const text = await scrape();
    const ring = { key_alias: 'metrics-ring', to_version: '2' };
    expect(series(text, 'crypto_rotation_subject_keys', { ...ring, state: 'total' })).toBe(40);
    expect(series(text, 'crypto_rotation_subject_keys', { ...ring, state: 'processed' })).toBe(10);
    expect(series(text, 'crypto_rotation_progress_ratio', { ...ring, status: 'running' })).toBe(
      0.25,
    );
  });

  it('counts DLP scans and their bytes, and crypto operations and fields by key alias', async () => {
    const admin = await adminToken(t.http);
    const { key } = await createApiKey(t.http, admin, ['dlp:scan', 'crypto:encrypt']);
    const body = { text: 'Write to zoë@example.com' };
    await request(t.http)
      .post('/v1/dlp/scan')
      .set('Authorization', `Bearer ${key}`)
      .send(body)
      .expect(200);
    await request(t.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${key}`)
      .send({ fields: { email: 'zoë@example.com', phone: '+41 44 123 45 67' } })
      .expect(200);
    const text = await scrape();
    expect(series(text, 'dlp_scans_total', { operation: 'scan', input: 'text' })).toBe(1);
    expect(series(text, 'dlp_scanned_bytes_total', { operation: 'scan' })).toBe(
      Buffer.byteLength(JSON.stringify(body)),
    );
    const pii = { operation: 'encrypt', key_alias: t.config.crypto.defaultAlias };
    expect(series(text, 'crypto_operations_total', pii)).toBe(1);
    expect(series(text, 'crypto_fields_total', pii)).toBe(2);
  });
});

describe('counters shared through Redis', () => {
  it('add up the work of every process and show it in any one scrape', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? '');
    const prefix = `metrics-shared-${Date.now()}`;
    const definition = {
      name: 'shared_test_total',
      help: 'test',
      labelNames: ['outcome'] as const,
    };
    const workerA = new SharedCounter(redis, prefix, new Registry(), definition);
    const workerB = new SharedCounter(redis, prefix, new Registry(), definition);
    const apiRegistry = new Registry();
    new SharedCounter(redis, prefix, apiRegistry, definition);
    try {
      workerA.inc({ outcome: 'delivered' });
      workerB.inc({ outcome: 'delivered' }, 2);
      workerB.inc({ outcome: 'gone' });
      await redis.ping(); // the increments are sent without waiting; this one queues behind them
      const text = await apiRegistry.metrics();
      expect(series(text, 'shared_test_total', { outcome: 'delivered' })).toBe(3);
      expect(series(text, 'shared_test_total', { outcome: 'gone' })).toBe(1);
    } finally {
      await redis.del(`${prefix}:metrics:shared_test_total`);
      redis.disconnect();
    }
  });
});
