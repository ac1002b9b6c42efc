/**
 * Privacy request benchmark.
 * 1: erasure throughput (subjects/s) across a PostgreSQL, a MariaDB and an http store, 2 worker processes.
 * 2: access export of one subject holding 1,000,000 rows: rows/s and the worker's peak RSS.
 */
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/bootstrap/configure-app';
import { loadConfig } from 'src/config/load-config';
import { TestHttpStore } from '../test/support/http-store';
import { createShop, SHOP_COLLECTIONS, shopCustomer } from '../test/support/shop-fixture';
import { BenchReport } from './lib/bench-report';

const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SUBJECTS = Number(process.env.DSR_BENCH_SUBJECTS ?? 400);
const BIG_ROWS = Number(process.env.DSR_BENCH_ROWS ?? 1_000_000);
const ROOT = join(__dirname, '..');

const withDb = (url: string, db: string): string => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function adminQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: withDb(PG, 'postgres') });
  await c.connect();
  await c.query(sql);
  await c.end();
}

function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, 'src', 'worker.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: 'ignore',
    },
  );
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const appDb = `dsr_bench_${run}`;
  await adminQuery(`CREATE DATABASE "${appDb}"`);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: withDb(PG, appDb),
    REDIS_PREFIX: `dsr_bench_${run}`,
    LOG_LEVEL: 'warn',
    MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    BOOTSTRAP_ADMIN_EMAIL: 'bench-admin@example.test',
    BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
    EXPORT_DIR: mkdtempSync(join(tmpdir(), 'dsr-bench-')),
    RATE_LIMIT_DEFAULT: '1000000',
    PRIVACY_RECONCILE_INTERVAL_MS: '5000',
  };
  const config = loadConfig(
    { ...process.env, ...env, WORKERS: 'false' },
    mkdtempSync(join(tmpdir(), 'dsr-cwd-')),
  );
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, workers: false }),
    { bodyParser: false, logger: ['error'] },
  );
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const call = async (
    method: string,
    path: string,
    token: string | null,
    body?: object,
  ): Promise<Record<string, unknown>> => {
    const res = await fetch(`${base.replace('[::1]', '127.0.0.1')}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    }
    return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
  };
  const token = (
    await call('POST', '/v1/auth/login', null, {
      email: env.BOOTSTRAP_ADMIN_EMAIL,
      password: env.BOOTSTRAP_ADMIN_PASSWORD,
    })
  ).accessToken as string;
  const key = (
    await call('POST', '/v1/admin/api-keys', token, {
      name: 'bench',
      scopes: ['requests:write', 'requests:read'],
    })
  ).key as string;
  const report = new BenchReport('dsr');
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const completed = async (): Promise<number> =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM privacy_requests WHERE status IN ('completed','failed')`,
        )
      ).rows[0].n,
    );

  // Case 1: erasure throughput with two worker processes.
  const shop = await createShop({ customers: SUBJECTS, orders: 2, items: 3 }, `b${run}`);
  const store = new TestHttpStore('bench-http-store-secret-000');
  const storeUrl = await store.start();
  for (let i = 1; i <= SUBJECTS; i++) {
    store.seed(shopCustomer(i, `b${run}`).email);
  }
  const storeIds: string[] = [];
  for (const [type, url] of [
    ['postgres', shop.postgresUrl],
    ['mysql', shop.mysqlUrl],
  ]) {
    storeIds.push(
      (
        await call('POST', '/v1/data-stores', token, {
          name: `shop-${type}`,
          type,
          connection: { url },
          collections: SHOP_COLLECTIONS,
        })
      ).id as string,
    );
  }
  storeIds.push(
    (
      await call('POST', '/v1/data-stores', token, {
        name: 'crm',
        type: 'http',
        connection: { url: storeUrl, secret: store.secret },
        collections: [],
      })
    ).id as string,
  );
  let workers = [spawnWorker(env), spawnWorker(env)];
  await sleep(8000);
  const started = Date.now();
  // Eight clients file the requests at once, as several product backends would.
  let next = 1;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next <= SUBJECTS) {
        const i = next++;
        await call('POST', '/v1/privacy-requests', key, {
          type: 'erasure',
          subject: { email: shopCustomer(i, `b${run}`).email },
        });
      }
    }),
  );
  while ((await completed()) < SUBJECTS) {
    await sleep(100);
  }
  const erasureSeconds = (Date.now() - started) / 1000;
  const failed = Number(
    (
      await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM privacy_requests WHERE status = 'failed'`,
      )
    ).rows[0].n,
  );
  report.add({
    id: '1',
    name: `erasure, ${SUBJECTS} subjects, 3 stores, 2 workers`,
    value: SUBJECTS / erasureSeconds,
    unit: 'subjects/s',
    note: `target >= 50; ${failed} failed`,
  });
  for (const w of workers) {
    w.kill('SIGTERM');
  }
  for (const id of storeIds) {
    await call('DELETE', `/v1/data-stores/${id}`, token);
  }
  await store.stop();
  await shop.drop();

  // Case 2: one subject with BIG_ROWS rows in PostgreSQL, exported by a fresh worker.
  const bigDb = `dsr_bench_big_${run}`;
  await adminQuery(`CREATE DATABASE "${bigDb}"`);
  const big = new Client({ connectionString: withDb(PG, bigDb) });
  await big.connect();
  await big.query(`CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, name text)`);
  await big.query(
    `CREATE TABLE events (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), kind text, payload text, at timestamptz)`,
  );
  await big.query(
    `INSERT INTO customers VALUES (1, 'big@shop-example.com', 'Big Subject'), (2, 'other@shop-example.com', 'Other')`,
  );
  await big.query(
    `INSERT INTO events SELECT g, 1, 'page_view', 'path=/products/' || g, now() - (g || ' seconds')::interval FROM generate_series(1, $1) g`,
    [BIG_ROWS],
  );
  await big.query(`CREATE INDEX events_customer_idx ON events (customer_id)`);
  await big.end();
  await call('POST', '/v1/data-stores', token, {
    name: 'big',
    type: 'postgres',
    connection: { url: withDb(PG, bigDb) },
    collections: [
      {
        name: 'customers',
        identity: { field: 'email', type: 'email' },
        fields: [{ name: 'name' }],
      },
      {
        name: 'events',
        fields: [{ name: 'payload' }],
        references: [{ field: 'customer_id', to: 'customers.id' }],
      },
    ],
  });
  workers = [spawnWorker(env)];
  await sleep(8000);
  const baseline = peakRssMb(workers[0].pid as number);
  const before = await completed();
  const t0 = Date.now();
  const created = await call('POST', '/v1/privacy-requests', key, {
    type: 'access',
    subject: { email: 'big@shop-example.com' },
  });
  let peak = 0;
  while ((await completed()) <= before) {
    peak = Math.max(peak, peakRssMb(workers[0].pid as number));
    await sleep(200);
  }
  const exportSeconds = (Date.now() - t0) / 1000;
  peak = Math.max(peak, peakRssMb(workers[0].pid as number));
  const status = (await call('GET', `/v1/privacy-requests/${created.id as string}`, key))
    .status as string;
  report.add({
    id: '2a',
    name: `access export, 1 subject, ${BIG_ROWS.toLocaleString('en-US')} rows`,
    value: BIG_ROWS / exportSeconds,
    unit: 'rows/s',
    note: `target >= 50,000; ${status} in ${exportSeconds.toFixed(1)} s`,
  });
  report.add({
    id: '2b',
    name: 'access export, worker peak RSS',
    value: peak,
    unit: 'MB',
    note: `target < 300; idle worker before the export: ${baseline.toFixed(0)} MB (ts-node)`,
  });
  workers[0].kill('SIGTERM');

  console.log(report.table());
  report.writeJson(join(ROOT, 'bench', 'results', 'dsr.json'), {
    subjects: SUBJECTS,
    rows: BIG_ROWS,
  });
  await db.end();
  await app.close();
  await sleep(1000);
  await adminQuery(`DROP DATABASE IF EXISTS "${bigDb}" WITH (FORCE)`);
  await adminQuery(`DROP DATABASE IF EXISTS "${appDb}" WITH (FORCE)`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
