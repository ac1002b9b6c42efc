/**
 * Privacy request benchmark.
 * 1: erasure throughput (subjects/s) across a PostgreSQL, a MariaDB and an http store, 2 worker
 *    processes, on a schema tied by foreign keys (kept orders unlinked, cascades, a self-reference),
 *    each erasure followed by its after-check.
 * 2: access export of one subject holding 1,000,000 rows in PostgreSQL: rows/s and the worker's peak RSS.
 * 3: the same export from MariaDB.
 * 4: erasure plan (dry run) latency on a PostgreSQL and a MariaDB store of 1,000,000 customers
 *    (and as many orders) with an indexed identity column: p50/p99 over HTTP.
 * The API and the workers run as production runs them: built once, `node dist/src/{main,worker}.js`.
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { TestHttpStore } from '../test/support/http-store';
import { withDatabase } from '../test/setup/services';
import { createFkShop, FK_COLLECTIONS, fkEmail } from '../test/support/fk-shop-fixture';
import { createShop, SHOP_COLLECTIONS, shopCustomer } from '../test/support/shop-fixture';
import { freePort, waitForHttp } from '../test/support/spawn-service';
import { BenchReport } from './lib/bench-report';
import { dropRedisKeys } from './lib/redis-keys';
import { Stats } from './lib/stats';

const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SUBJECTS = Number(process.env.DSR_BENCH_SUBJECTS ?? 400);
/**
 * Erasures of other subjects run to completion before case 1 measures SUBJECTS: a process just
 * started spends a good part of its CPU compiling (V8 optimises a function only after many
 * calls, and an erasure calls thousands a few times each), which a process that has served for
 * a while no longer does; about 800 erasures bring the API and the workers near their steady
 * cost. The warm-up's own figures are reported too (row 1w). 0 measures from the start.
 */
const WARMUP = Number(process.env.DSR_BENCH_WARMUP ?? 800);
const BIG_ROWS = Number(process.env.DSR_BENCH_ROWS ?? 1_000_000);
/** DSR_BENCH_SCHEMA=shop runs case 1 on the plain shop (no kept rows to unlink), to compare. */
const PLAIN_SHOP = process.env.DSR_BENCH_SCHEMA === 'shop';
const PLAN_ROWS = Number(process.env.DSR_BENCH_PLAN_ROWS ?? 1_000_000);
const PLAN_SAMPLES = Number(process.env.DSR_BENCH_PLAN_SAMPLES ?? 500);
/** DSR_BENCH_CASES (e.g. `3`, `2,3`) runs only those cases. */
const CASES = (process.env.DSR_BENCH_CASES ?? '1,2,3,4').split(',').map((c) => c.trim());
/** Engines of case 4 (DSR_BENCH_PLAN_ENGINES=postgres); both by default. */
const PLAN_ENGINES = (process.env.DSR_BENCH_PLAN_ENGINES ?? 'postgres,mariadb')
  .split(',')
  .filter((e): e is 'postgres' | 'mariadb' => e === 'postgres' || e === 'mariadb');
const MARIADB = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const ROOT = join(__dirname, '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function adminQuery(sql: string): Promise<void> {
  const c = new Client({ connectionString: withDatabase(PG, 'postgres') });
  await c.connect();
  await c.query(sql);
  await c.end();
}

/** BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the API and the workers. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function spawnDist(entry: 'main' | 'worker', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, join(ROOT, 'dist', 'src', `${entry}.js`)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A live process's peak (VmHWM, since it started) or current (VmRSS) resident set size, in MB. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const peakRssMb = (pid: number): number => rssMb(pid, 'VmHWM');

/**
 * CPU seconds (user + system) a live process has used: the machine may be shared, and CPU time
 * is what another process's load changes least.
 */
function cpuSeconds(pid: number, stat = `/proc/${pid}/stat`): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  ticksPerSecond ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
let ticksPerSecond: number | undefined;

/**
 * CPU seconds of each of a live process's threads other than its main one, by thread id: V8's
 * optimising compiler and garbage collection helpers, and libuv's pool.
 */
function offMainCpu(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      if (tid !== pid) {
        threads.set(tid, cpuSeconds(tid, `/proc/${pid}/task/${tid}/stat`));
      }
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

/** Their CPU seconds since `before` (a thread started since counts from zero). */
function offMainCpuSince(pid: number, before: Map<number, number>): number {
  let spent = 0;
  for (const [tid, seconds] of offMainCpu(pid)) {
    spent += seconds - (before.get(tid) ?? 0);
  }
  return spent;
}

/** Read and write system calls (socket ones included) a live process has made: /proc/<pid>/io. */
function syscalls(pid: number | 'self'): { reads: number; writes: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(io)?.[1] ?? NaN);
  return { reads: field('syscr'), writes: field('syscw') };
}

/** The database servers' processes, by what their command is called. */
const SERVERS: Record<string, string> = {
  postgres: 'PostgreSQL',
  mariadbd: 'MariaDB',
  mysqld: 'MariaDB',
  'redis-server': 'Redis',
};

/**
 * CPU seconds of every database server process now, by pid. The servers are shared: what other
 * work on the machine asks of them is counted too. A PostgreSQL backend is told by its database
 * (its process title names it): the service's (`serviceDb`), a store's, or anything else (the
 * server's own processes included).
 */
function serverCpu(serviceDb: string): Map<number, { server: string; seconds: number }> {
  const found = new Map<number, { server: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const server = SERVERS[stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))];
      if (server) {
        const part = server === 'PostgreSQL' ? ` (${postgresPart(pid, serviceDb)})` : '';
        found.set(pid, { server: `${server}${part}`, seconds: cpuSeconds(pid) });
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found;
}

/** Whose work a PostgreSQL process does, from its title (`postgres: 15/main: user db host ...`). */
function postgresPart(pid: number, serviceDb: string): string {
  const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  const db = /^postgres: [^:]+: \S+ (\S+) /.exec(title)?.[1];
  if (db === serviceDb) {
    return 'service';
  }
  return db && /^(fk)?shop_/.test(db) ? 'store' : 'other';
}

/**
 * CPU seconds the whole machine has spent (all cores; user, system, interrupts), and of it the
 * interrupts' (irq, softirq: on loopback, much of the receiving side of every socket write),
 * which no process is charged with: /proc/stat.
 */
function machineCpuSeconds(): { busy: number; interrupts: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  const busy = ticks
    .slice(0, 8)
    .reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + Number(t)), 0);
  ticksPerSecond ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  return {
    busy: busy / ticksPerSecond,
    interrupts: (Number(ticks[5]) + Number(ticks[6])) / ticksPerSecond,
  };
}

/** CPU seconds per server since `before` (a backend started since counts from zero). */
function serverCpuSince(
  before: Map<number, { server: string; seconds: number }>,
  serviceDb: string,
): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [pid, now] of serverCpu(serviceDb)) {
    spent[now.server] = (spent[now.server] ?? 0) + now.seconds - (before.get(pid)?.seconds ?? 0);
  }
  return spent;
}

/**
 * One call to the API over a pooled keep-alive connection. node:http rather than fetch: the
 * clients stand for product backends filing requests, and fetch's own CPU (streams, promises,
 * its WebAssembly HTTP parser) was counted against the machine in row 1e.
 */
function send(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  token: string | null,
  body?: object,
): Promise<Record<string, unknown>> {
  const payload = body ? JSON.stringify(body) : undefined;
  const headers: Record<string, string> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (status >= 300) {
          reject(new Error(`${method} ${path}: HTTP ${status} ${text}`));
        } else {
          resolve(status === 204 ? {} : (JSON.parse(text) as Record<string, unknown>));
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Stops a child and waits for it to exit so its pool connections are gone before the next case. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15000)]);
}

/** customers (the subject and one other) and the subject's BIG_ROWS events. */
const BIG_COLLECTIONS = [
  { name: 'customers', identity: { field: 'email', type: 'email' }, fields: [{ name: 'name' }] },
  {
    name: 'events',
    fields: [{ name: 'payload' }],
    references: [{ field: 'customer_id', to: 'customers.id' }],
  },
];

/** A database holding BIG_COLLECTIONS, filled server-side (generate_series, MariaDB's seq tables). */
async function createBigStore(
  engine: 'postgres' | 'mariadb',
  run: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `dsr_bench_big_${run}`;
  if (engine === 'postgres') {
    await adminQuery(`CREATE DATABASE "${name}"`);
    const big = new Client({ connectionString: withDatabase(PG, name) });
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
    return {
      url: withDatabase(PG, name),
      drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const admin = await createConnection({ uri: MARIADB });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.query(`USE \`${name}\``);
  await admin.query(
    `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(200))`,
  );
  await admin.query(
    `CREATE TABLE events (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, kind VARCHAR(50), payload TEXT, at TIMESTAMP NULL, FOREIGN KEY (customer_id) REFERENCES customers (id))`,
  );
  await admin.query(
    `INSERT INTO customers VALUES (1, 'big@shop-example.com', 'Big Subject'), (2, 'other@shop-example.com', 'Other')`,
  );
  await admin.query(
    `INSERT INTO events SELECT seq, 1, 'page_view', CONCAT('path=/products/', seq), NOW() - INTERVAL seq SECOND FROM seq_1_to_${Math.floor(BIG_ROWS)}`,
  );
  await admin.end();
  return {
    url: withDatabase(MARIADB, name),
    drop: async () => {
      const c = await createConnection({ uri: MARIADB });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/**
 * A store of PLAN_ROWS customers (`c<n>@large-example.com`, indexed), each with one order, tied by
 * the foreign keys of the foreign-key shop, so plans unlink, cascade and refer as they do there.
 */
async function createLargeStore(
  engine: 'postgres' | 'mariadb',
  run: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `dsr_bench_plan_${run}`;
  const tables = [
    `CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, name VARCHAR(200),
       referred_by INT NULL,
       CONSTRAINT customers_referred_by_fk FOREIGN KEY (referred_by) REFERENCES customers (id))`,
    `CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NULL, address VARCHAR(200),
       total DECIMAL(10,2) NOT NULL,
       CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))`,
    `CREATE TABLE wishlists (id INT PRIMARY KEY, customer_id INT NOT NULL, item VARCHAR(100),
       CONSTRAINT wishlists_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
         ON DELETE CASCADE)`,
  ];
  if (engine === 'postgres') {
    await adminQuery(`CREATE DATABASE "${name}"`);
    const c = new Client({ connectionString: withDatabase(PG, name) });
    await c.connect();
    for (const ddl of tables) {
      await c.query(ddl);
    }
    await c.query(
      `INSERT INTO customers SELECT g, 'c' || g || '@large-example.com', 'Customer ' || g,
         CASE WHEN g > 1 THEN g - 1 END FROM generate_series(1, $1) g`,
      [PLAN_ROWS],
    );
    await c.query(
      `INSERT INTO orders SELECT g, g, g || ' High Street', 10 FROM generate_series(1, $1) g`,
      [PLAN_ROWS],
    );
    // The identity column's index, and the referencing columns (PostgreSQL does not index them).
    await c.query(`CREATE INDEX customers_email_idx ON customers (email)`);
    await c.query(`CREATE INDEX customers_referred_by_idx ON customers (referred_by)`);
    await c.query(`CREATE INDEX orders_customer_idx ON orders (customer_id)`);
    await c.query(`CREATE INDEX wishlists_customer_idx ON wishlists (customer_id)`);
    await c.query('ANALYZE');
    await c.end();
    return {
      url: withDatabase(PG, name),
      drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const admin = await createConnection({ uri: MARIADB });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await admin.query(`USE \`${name}\``);
  for (const ddl of tables) {
    await admin.query(ddl);
  }
  // Rows made inside the server by MariaDB's sequence tables; the keys hold (parents first).
  await admin.query(
    `INSERT INTO customers SELECT seq, CONCAT('c', seq, '@large-example.com'),
       CONCAT('Customer ', seq), IF(seq > 1, seq - 1, NULL) FROM seq_1_to_${Math.floor(PLAN_ROWS)}`,
  );
  await admin.query(
    `INSERT INTO orders SELECT seq, seq, CONCAT(seq, ' High Street'), 10 FROM seq_1_to_${Math.floor(PLAN_ROWS)}`,
  );
  await admin.query(`CREATE INDEX customers_email_idx ON customers (email)`);
  await admin.query('ANALYZE TABLE customers, orders');
  await admin.end();
  return {
    url: withDatabase(MARIADB, name),
    drop: async () => {
      const c = await createConnection({ uri: MARIADB });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const run = randomBytes(3).toString('hex');
  const appDb = `dsr_bench_${run}`;
  await adminQuery(`CREATE DATABASE "${appDb}"`);
  const exportDir = mkdtempSync(join(tmpdir(), 'dsr-bench-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: withDatabase(PG, appDb),
    REDIS_PREFIX: `dsr_bench_${run}`,
    LOG_LEVEL: 'warn',
    MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    BOOTSTRAP_ADMIN_EMAIL: 'bench-admin@example.test',
    BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password',
    EXPORT_DIR: exportDir,
    RATE_LIMIT_API_KEY_DEFAULT: '1000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
  };
  const port = await freePort();
  const api = spawnDist('main', { ...env, WORKERS: 'false', PORT: String(port) });
  await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const call = (
    method: string,
    path: string,
    token: string | null,
    body?: object,
  ): Promise<Record<string, unknown>> => send(agent, port, method, path, token, body);
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
  if (CASES.includes('1')) {
    await erasureCase();
  }
  async function erasureCase(): Promise<void> {
    const shop = PLAIN_SHOP
      ? await createShop({ customers: WARMUP + SUBJECTS, orders: 2, items: 3 }, `b${run}`)
      : await createFkShop(WARMUP + SUBJECTS, `b${run}`);
    const emailOf = (i: number) =>
      PLAIN_SHOP ? shopCustomer(i, `b${run}`).email : fkEmail(i, `b${run}`);
    const store = new TestHttpStore('bench-http-store-secret-000');
    const storeUrl = await store.start();
    for (let i = 1; i <= WARMUP + SUBJECTS; i++) {
      store.seed(emailOf(i));
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
            collections: PLAIN_SHOP ? SHOP_COLLECTIONS : FK_COLLECTIONS,
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
    const workers = [spawnDist('worker', env), spawnDist('worker', env)];
    await sleep(8000);
    // Eight clients file the requests at once, as several product backends would.
    const file = async (from: number, to: number): Promise<void> => {
      let next = from;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next <= to) {
            const i = next++;
            await call('POST', '/v1/privacy-requests', key, {
              type: 'erasure',
              subject: { email: emailOf(i) },
            });
          }
        }),
      );
    };
    const processes = [api, ...workers].map((p) => p.pid as number);
    if (WARMUP > 0) {
      const coldCpu = processes.map((pid) => cpuSeconds(pid));
      const coldMachine = machineCpuSeconds();
      const coldStarted = Date.now();
      await file(1, WARMUP);
      while ((await completed()) < WARMUP) {
        await sleep(100);
      }
      const seconds = (Date.now() - coldStarted) / 1000;
      const cpu = processes.reduce((sum, pid, i) => sum + cpuSeconds(pid) - coldCpu[i], 0);
      const machine = machineCpuSeconds().busy - coldMachine.busy;
      report.add({
        id: '1w',
        name: `erasure warm-up: the first ${WARMUP} subjects after the processes started`,
        value: WARMUP / seconds,
        unit: 'subjects/s',
        note: `CPU time per subject: API and workers ${((cpu * 1000) / WARMUP).toFixed(1)} ms, the machine in all ${((machine * 1000) / WARMUP).toFixed(1)} ms`,
      });
    }
    const cpuBefore = processes.map((pid) => cpuSeconds(pid));
    const offMainBefore = processes.map(offMainCpu);
    const callsBefore = [...processes, 'self' as const].map(syscalls);
    const serversBefore = serverCpu(appDb);
    const machineBefore = machineCpuSeconds();
    const benchBefore = process.cpuUsage();
    const started = Date.now();
    await file(WARMUP + 1, WARMUP + SUBJECTS);
    const intakeSeconds = (Date.now() - started) / 1000;
    while ((await completed()) < WARMUP + SUBJECTS) {
      await sleep(100);
    }
    const erasureSeconds = (Date.now() - started) / 1000;
    const [apiCpu, ...workerCpu] = processes.map((pid, i) => cpuSeconds(pid) - cpuBefore[i]);
    const offMain = processes.map((pid, i) => offMainCpuSince(pid, offMainBefore[i]));
    const calls = [...processes, 'self' as const].map((pid, i) => {
      const now = syscalls(pid);
      return {
        reads: (now.reads - callsBefore[i].reads) / SUBJECTS,
        writes: (now.writes - callsBefore[i].writes) / SUBJECTS,
      };
    });
    const callsNote = (names: string[]) =>
      names
        .map((name, i) => `${name} ${calls[i].writes.toFixed(1)}/${calls[i].reads.toFixed(1)}`)
        .join(', ');
    const serversCpu = serverCpuSince(serversBefore, appDb);
    const machineAfter = machineCpuSeconds();
    const machineCpu = machineAfter.busy - machineBefore.busy;
    const interruptsCpu = machineAfter.interrupts - machineBefore.interrupts;
    const benchUsage = process.cpuUsage(benchBefore);
    const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
    // Why tasks failed or were retried (safe messages: tables and codes, no values).
    const reasons = await db.query<{ detail: string; n: string }>(
      `SELECT detail, count(*) AS n FROM privacy_request_tasks
        WHERE status = 'failed' OR attempts > 1 GROUP BY detail ORDER BY 2 DESC`,
    );
    for (const r of reasons.rows) {
      console.error(`task detail after retries or failure: ${r.detail} (${r.n})`);
    }
    const failed = Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM privacy_requests WHERE status = 'failed'`,
        )
      ).rows[0].n,
    );
    report.add({
      id: '1',
      name: `erasure on ${PLAIN_SHOP ? 'the plain shop' : 'foreign keys'}, ${SUBJECTS} subjects${WARMUP > 0 ? ` after ${WARMUP}` : ''}, 3 stores, 2 workers`,
      value: SUBJECTS / erasureSeconds,
      unit: 'subjects/s',
      note: `target >= 100; ${failed} failed; all filed after ${intakeSeconds.toFixed(1)} s`,
    });
    report.add({
      id: '1c',
      name: 'erasure, CPU time per subject',
      value: ((apiCpu + workerCpu[0] + workerCpu[1]) * 1000) / SUBJECTS,
      unit: 'ms',
      note: `user + system: API ${((apiCpu * 1000) / SUBJECTS).toFixed(2)}, workers ${workerCpu.map((c) => ((c * 1000) / SUBJECTS).toFixed(2)).join(' + ')} ms (of it off the main thread, V8's compiler and GC helpers: ${offMain.map((c) => ((c * 1000) / SUBJECTS).toFixed(1)).join(', ')}); writes/reads per subject: ${callsNote(['API', 'worker', 'worker'])}`,
    });
    report.add({
      id: '1d',
      name: 'erasure, database servers CPU time per subject',
      value: (Object.values(serversCpu).reduce((a, b) => a + b, 0) * 1000) / SUBJECTS,
      unit: 'ms',
      note: `shared servers, other work included: ${Object.entries(serversCpu)
        .map(([server, c]) => `${server} ${((c * 1000) / SUBJECTS).toFixed(1)}`)
        .join(', ')} ms`,
    });
    report.add({
      id: '1e',
      name: 'erasure, all CPU time on the machine per subject',
      value: (machineCpu * 1000) / SUBJECTS,
      unit: 'ms',
      note: `of it this benchmark's own process (clients and the http store) ${((benchCpu * 1000) / SUBJECTS).toFixed(1)} ms (writes/reads per subject ${calls[3].writes.toFixed(1)}/${calls[3].reads.toFixed(1)}), interrupts ${((interruptsCpu * 1000) / SUBJECTS).toFixed(1)}; the rest is 1c, 1d, the kernel's and other work`,
    });
    const erasureRss = workers.map((w) => peakRssMb(w.pid as number));
    report.add({
      id: '1b',
      name: 'erasure, worker peak RSS (max of 2)',
      value: Math.max(...erasureRss),
      unit: 'MB',
      note: `per worker: ${erasureRss.map((r) => r.toFixed(0)).join(', ')} MB`,
    });
    await Promise.all(workers.map(stop));
    for (const id of storeIds) {
      await call('DELETE', `/v1/data-stores/${id}`, token);
    }
    await store.stop();
    await shop.drop();
  }

  // Cases 2 and 3: one subject with BIG_ROWS rows, in PostgreSQL then MariaDB, exported by a
  // fresh worker each.
  for (const [id, engine] of [
    ['2', 'postgres'],
    ['3', 'mariadb'],
  ] as const) {
    if (!CASES.includes(id)) {
      continue;
    }
    const big = await createBigStore(engine, run);
    const registered = await call('POST', '/v1/data-stores', token, {
      name: `big-${engine}`,
      type: engine === 'postgres' ? 'postgres' : 'mysql',
      connection: { url: big.url },
      collections: BIG_COLLECTIONS,
    });
    const worker = spawnDist('worker', env);
    await sleep(8000);
    const baseline = peakRssMb(worker.pid as number);
    const idleRss = rssMb(worker.pid as number, 'VmRSS');
    let exportRss = idleRss;
    const before = await completed();
    const cpu0 = cpuSeconds(worker.pid as number);
    const t0 = Date.now();
    const created = await call('POST', '/v1/privacy-requests', key, {
      type: 'access',
      subject: { email: 'big@shop-example.com' },
    });
    let peak = 0;
    while ((await completed()) <= before) {
      peak = Math.max(peak, peakRssMb(worker.pid as number));
      exportRss = Math.max(exportRss, rssMb(worker.pid as number, 'VmRSS'));
      await sleep(200);
    }
    const exportSeconds = (Date.now() - t0) / 1000;
    const exportCpu = cpuSeconds(worker.pid as number) - cpu0;
    peak = Math.max(peak, peakRssMb(worker.pid as number));
    const status = (await call('GET', `/v1/privacy-requests/${created.id as string}`, key))
      .status as string;
    const label = `access export, ${engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'}`;
    report.add({
      id: `${id}a`,
      name: `${label}, 1 subject, ${BIG_ROWS.toLocaleString('en-US')} rows`,
      value: BIG_ROWS / exportSeconds,
      unit: 'rows/s',
      note: `target >= 50,000; ${status} in ${exportSeconds.toFixed(1)} s`,
    });
    report.add({
      id: `${id}d`,
      name: `${label}, worker CPU time`,
      value: exportCpu,
      unit: 's',
      note: `user + system; ${(BIG_ROWS / exportCpu).toFixed(0)} rows per CPU second`,
    });
    report.add({
      id: `${id}b`,
      name: `${label}, worker peak RSS`,
      value: peak,
      unit: 'MB',
      note: `target < 300; VmHWM, includes start-up: ${baseline.toFixed(0)} MB before the export`,
    });
    report.add({
      id: `${id}c`,
      name: `${label}, worker RSS during the export`,
      value: exportRss,
      unit: 'MB',
      note: `highest VmRSS sampled every 200 ms; ${idleRss.toFixed(0)} MB idle before the export`,
    });
    await stop(worker);
    await call('DELETE', `/v1/data-stores/${registered.id as string}`, token);
    await big.drop();
  }

  // Case 4: erasure plans on a large store, one at a time as a DPO would ask for them.
  for (const engine of CASES.includes('4') ? PLAN_ENGINES : []) {
    const large = await createLargeStore(engine, run);
    const registered = await call('POST', '/v1/data-stores', token, {
      name: `large-${engine}`,
      type: engine === 'postgres' ? 'postgres' : 'mysql',
      connection: { url: large.url },
      collections: FK_COLLECTIONS,
    });
    const planOf = async (n: number): Promise<number> => {
      const t0 = performance.now();
      const res = await call(
        'POST',
        `/v1/data-stores/${registered.id as string}/erasure-plan`,
        token,
        {
          subject: { email: `c${n}@large-example.com` },
        },
      );
      const ms = performance.now() - t0;
      if ((res.steps as unknown[]).length === 0) {
        throw new Error('empty plan');
      }
      return ms;
    };
    for (let i = 0; i < 30; i++) {
      await planOf(1 + ((i * 7919) % PLAN_ROWS));
    }
    const samples: number[] = [];
    for (let i = 0; i < PLAN_SAMPLES; i++) {
      samples.push(await planOf(1 + ((i * 104729 + 17) % PLAN_ROWS)));
    }
    const latency = Stats.summary(samples);
    report.add({
      id: engine === 'postgres' ? '4a' : '4b',
      name: `erasure plan, ${engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'}, ${PLAN_ROWS.toLocaleString('en-US')} customers + orders`,
      value: latency.p99,
      unit: 'ms p99',
      note: `target < 50; p50 ${latency.p50.toFixed(1)} ms, max ${latency.max.toFixed(0)} ms over ${latency.n} plans, over HTTP`,
      extra: { p50: latency.p50, mean: latency.mean, max: latency.max },
    });
    await call('DELETE', `/v1/data-stores/${registered.id as string}`, token);
    await large.drop();
  }

  console.log(report.table());
  report.writeJson(join(ROOT, 'bench', 'results', 'dsr.json'), {
    subjects: SUBJECTS,
    warmup: WARMUP,
    rows: BIG_ROWS,
    planRows: PLAN_ROWS,
  });
  await db.end();
  agent.destroy();
  await stop(api);
  await sleep(1000);
  await adminQuery(`DROP DATABASE IF EXISTS "${appDb}" WITH (FORCE)`);
  await dropRedisKeys(`dsr_bench_${run}:*`);
  rmSync(exportDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
