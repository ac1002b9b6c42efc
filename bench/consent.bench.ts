/**
 * Consent check benchmark (npm run bench:consent): the service runs as `npm start` runs it (built
 * first if a source is newer than the build, then dist/src/main.js in its own process, fresh
 * database, Redis) with its default configuration; the bench key's own
 * budget is lifted to the highest a key may have, so its requests are still counted as in
 * production but a fast machine is not cut off (a 429 fails the run). autocannon drives, in
 * alternating rounds,
 *   0. GET /health/live: a trivial unauthenticated route (the ceiling of the HTTP stack)
 *   1. GET /v1/auth/whoami: an empty authenticated route (API-key authentication only)
 *   2. GET /v1/consents/check: the same authentication plus the consent check (warm cache)
 * first with BENCH_CONNECTIONS (16) callers for throughput, then with 2 for latency.
 * Targets: (2) at >= 0.8 x the throughput of (0), and p99 under 5 ms with 2 callers. The ratio
 * is given from the best round of each route and as the median of the rounds' own ratios, and
 * the service process's CPU time per request of each route (its median over the throughput
 * rounds) beside it, with the median of the rounds' check/trivial CPU ratios: the figure a
 * shared, loaded machine skews least. BENCH_ROUNDS (3) sets the rounds per route; BENCH_NODE_ARGS
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the service.
 * Prints a table and writes bench/results/consent.json.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { BenchReport } from './lib/bench-report';
import { processCpuSeconds } from './lib/process-cpu';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.resolve(__dirname, 'results/consent.json');
const PORT = 3900 + Math.floor(Math.random() * 90);
const BASE = `http://127.0.0.1:${PORT}`;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
// Few enough that requests do not queue behind each other on the service's one event loop.
const LATENCY_CONNECTIONS = 2;
const ROUND_SECONDS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN = { email: 'bench-admin@example.test', password: 'bench-admin-password-123' };

interface Load {
  rps: number;
  /** The service process's CPU time per answered request, in microseconds. */
  cpuUs: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function json<T>(method: string, route: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${BASE}${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`${method} ${route} answered ${res.status}`);
  }
  return (await res.json()) as T;
}

function startService(env: Record<string, string>): ChildProcess {
  // Not under ts-node: it loads Node's REPL, whose `domain` module slows every event emitter.
  execFileSync(process.execPath, ['scripts/build-if-needed.js'], { cwd: ROOT, stdio: 'inherit' });
  return spawn(
    process.execPath,
    [
      // As `npm start` runs it (package.json): a young generation sized for the request rate.
      '--max-semi-space-size=64',
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      'dist/src/main.js',
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function waitUntilLive(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The service exited with code ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${BASE}/health/live`)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('The service did not start within 120 s');
}

async function load(
  pid: number,
  route: string,
  token: string | undefined,
  seconds: number,
  connections: number,
): Promise<Load> {
  const cpuBefore = processCpuSeconds(pid);
  const result = await autocannon({
    url: `${BASE}${route}`,
    connections,
    duration: seconds,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const cpuSeconds = processCpuSeconds(pid) - cpuBefore;
  return {
    rps: result.requests.average,
    cpuUs: (cpuSeconds * 1e6) / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main(): Promise<void> {
  const runId = `${Date.now()}_${randomBytes(3).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbUrl = new URL(serverUrl);
  dbUrl.pathname = `/privacy_bench_${runId}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench_${runId}`;
  const child = startService({
    NODE_ENV: 'test',
    PORT: String(PORT),
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    DB_MIGRATE: 'true',
    WORKERS: 'false',
    LOG_LEVEL: 'error',
    MASTER_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  });
  const report = new BenchReport('consent');
  try {
    await waitUntilLive(child);
    const { accessToken } = await json<{ accessToken: string }>(
      'POST',
      '/v1/auth/login',
      undefined,
      ADMIN,
    );
    const { key } = await json<{ key: string }>('POST', '/v1/admin/api-keys', accessToken, {
      name: 'bench',
      scopes: ['consent:read', 'consent:write'],
      rateLimitPerMinute: 10_000_000,
    });
    await json('POST', '/v1/purposes', accessToken, {
      key: 'bench-marketing',
      name: 'Marketing',
      description: 'Benchmark purpose',
      legalBasis: 'consent',
    });
    const subjectId = 'bench.subject@example.test';
    await json('POST', '/v1/consents', key, {
      subjectId,
      purpose: 'bench-marketing',
      granted: true,
    });
    const checkRoute = `/v1/consents/check?subjectId=${encodeURIComponent(subjectId)}&purpose=bench-marketing`;
    const answer = await json<{ allowed: boolean }>('GET', checkRoute, key);
    if (!answer.allowed) {
      throw new Error('The benchmark subject should be allowed');
    }
    const routes = { trivial: '/health/live', empty: '/v1/auth/whoami', check: checkRoute };
    type Name = keyof typeof routes;
    const tokenOf = (name: Name): string | undefined => (name === 'trivial' ? undefined : key);

    /**
     * Best round per route, the routes taking turns so drifting machine load hits them alike; and
     * each round's check/trivial ratio, whose median a busy machine skews less than the best.
     */
    const pid = child.pid as number;
    const roundRatios: number[] = [];
    const cpuRounds: Record<Name, number[]> = { trivial: [], empty: [], check: [] };
    const measure = async (connections: number): Promise<Record<Name, Load>> => {
      const best: Partial<Record<Name, Load>> = {};
      for (let round = 0; round < ROUNDS; round += 1) {
        const rps: Partial<Record<Name, number>> = {};
        for (const name of Object.keys(routes) as Name[]) {
          const result = await load(pid, routes[name], tokenOf(name), ROUND_SECONDS, connections);
          if (result.non2xx > 0 || result.errors > 0) {
            throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
          }
          rps[name] = result.rps;
          if (connections === CONNECTIONS) {
            cpuRounds[name].push(result.cpuUs);
          }
          if (!best[name] || result.rps > best[name].rps) {
            best[name] = result;
          }
        }
        if (connections === CONNECTIONS) {
          roundRatios.push((rps.check ?? 0) / (rps.trivial ?? 1));
        }
      }
      return best as Record<Name, Load>;
    };

    for (const name of Object.keys(routes) as Name[]) {
      await load(pid, routes[name], tokenOf(name), 2, CONNECTIONS);
    }
    const wide = await measure(CONNECTIONS);
    const narrow = await measure(LATENCY_CONNECTIONS);
    const ratio = wide.check.rps / wide.trivial.rps;
    const authRatio = wide.check.rps / wide.empty.rps;
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const note = (n: number) => `${n} connections, best of ${ROUNDS} x ${ROUND_SECONDS}s`;
    const labels: Record<Name, string> = {
      trivial: 'GET /health/live (no credentials)',
      empty: 'GET /v1/auth/whoami (API key)',
      check: 'GET /v1/consents/check (API key)',
    };
    (['trivial', 'empty', 'check'] as Name[]).forEach((name, i) => {
      report.add({
        id: String(i),
        name: `${labels[name]}: throughput`,
        value: wide[name].rps,
        unit: 'req/s',
        note: note(CONNECTIONS),
        extra: { p50: wide[name].p50, p99: wide[name].p99 },
      });
      report.add({
        id: `${i}-cpu`,
        name: `${labels[name]}: service CPU per request`,
        value: median(cpuRounds[name]),
        unit: 'us',
        note: `median of rounds: ${cpuRounds[name].map((c) => c.toFixed(0)).join(' ')}`,
      });
      report.add({
        id: `${i}-p99`,
        name: `${labels[name]}: p99`,
        value: narrow[name].p99,
        unit: 'ms',
        note: note(LATENCY_CONNECTIONS),
        extra: { p50: narrow[name].p50, rps: narrow[name].rps },
      });
    });
    const p99 = narrow.check.p99;
    report.add({
      id: 'p99',
      name: `check p99 with ${LATENCY_CONNECTIONS} callers`,
      value: p99,
      unit: 'ms',
      note: p99 < 5 ? 'target < 5 ms: met' : 'target < 5 ms: NOT met',
    });
    report.add({
      id: 'ratio',
      name: 'check / trivial route throughput',
      value: ratio,
      unit: 'x',
      note: ratio >= 0.8 ? 'target >= 0.8: met' : 'target >= 0.8: NOT met',
    });
    const medianRatio = median(roundRatios);
    report.add({
      id: 'ratio-median',
      name: 'check / trivial route throughput, median of rounds',
      value: medianRatio,
      unit: 'x',
      note: roundRatios.map((r) => r.toFixed(2)).join(' '),
    });
    report.add({
      id: 'ratio-auth',
      name: 'check / empty authenticated route throughput',
      value: authRatio,
      unit: 'x',
    });
    // Each round's own ratio: the routes of one round ran seconds apart, at much the same load.
    const cpuRoundRatios = cpuRounds.check.map((c, i) => c / cpuRounds.trivial[i]);
    const cpuRatio = median(cpuRoundRatios);
    report.add({
      id: 'cpu-ratio',
      name: 'check / trivial route service CPU per request, median of rounds',
      value: cpuRatio,
      unit: 'x',
      note: cpuRoundRatios.map((r) => r.toFixed(2)).join(' '),
    });
    console.log(report.table());
    const summary = {
      cpuUsPerRequest: {
        trivial: median(cpuRounds.trivial),
        empty: median(cpuRounds.empty),
        check: median(cpuRounds.check),
      },
      cpuRatio,
      ratio,
      medianRoundRatio: medianRatio,
      authRatio,
      checkP99Ms: p99,
      connections: CONNECTIONS,
      latencyConnections: LATENCY_CONNECTIONS,
    };
    console.log(JSON.stringify(summary));
    report.writeJson(RESULTS, summary);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "privacy_bench_${runId}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) {
      await redis.unlink(...keys);
    }
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
