import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase } from 'src/database/ensure-database';
import { dropRedisKeys } from './redis-keys';
import { Runner } from './runner';
import { Stats, type LatencySummary } from './stats';

const ADMIN = {
  email: 'bench-admin@example.test',
  password: `bench-${randomBytes(8).toString('hex')}`,
};

/** Encrypt+decrypt round trips in flight: the server crypts one while others wait on I/O. */
export const IN_FLIGHT = 6;

interface HttpClient {
  /** POSTs a JSON body and resolves with the response body; rejects on a status >= 300. */
  post(path: string, payload: string | Buffer, token?: string): Promise<Buffer>;
  /** GETs `path` and resolves with the response body; rejects on a status >= 300. */
  get(path: string): Promise<Buffer>;
}

function httpClient(port: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT * 2 });
  const send = (method: string, path: string, body?: Buffer, token?: string): Promise<Buffer> =>
    new Promise<Buffer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          agent,
          headers: {
            ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const answer = Buffer.concat(chunks);
            if ((res.statusCode ?? 500) >= 300) {
              const text = answer.toString('utf8', 0, 200);
              reject(new Error(`${path} answered ${res.statusCode}: ${text}`));
            } else {
              resolve(answer);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    post: (path, payload, token) =>
      send('POST', path, typeof payload === 'string' ? Buffer.from(payload) : payload, token),
    get: (path) => send('GET', path),
  };
}

/**
 * Latency of a trivial request (GET /health/live, one at a time) while IN_FLIGHT callers keep
 * sending batches: how long the event loop makes other requests wait behind them.
 */
async function probeBesideBatches(
  http: HttpClient,
  roundTrip: () => Promise<unknown>,
  seconds: number,
): Promise<LatencySummary> {
  const deadline = performance.now() + seconds * 1000;
  const batches = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await roundTrip();
    }
  };
  const samples: number[] = [];
  const probe = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const start = performance.now();
      await http.get('/health/live');
      samples.push(performance.now() - start);
    }
  };
  await Promise.all([...Array.from({ length: IN_FLIGHT }, batches), probe()]);
  return Stats.summary(samples);
}

export interface HttpBatchesResult {
  /** HTTP fields/s and the in-process ceiling's, each its best round of the same alternation. */
  readonly httpPerSec: number;
  readonly ceilingPerSec: number;
  /** CPU time per field: the API process's for HTTP, the benchmark's own for the ceiling. */
  readonly serverCpuUsPerField: number;
  readonly ceilingCpuUsPerField: number;
  /** The API's threads for large field batches (CRYPTO_THREADS, or its default here). */
  readonly cryptoThreads: number;
  /** GET /health/live, one at a time beside the batches, in milliseconds. */
  readonly besideBatches: LatencySummary;
}

/**
 * Case 3: the real application in a child process on a loopback port (its own scratch database and
 * Redis prefix, workers off, started with the production scripts' node flags and its default
 * crypto threads unless CRYPTO_THREADS says otherwise), an API key with
 * both crypto scopes, and keep-alive clients that each POST /v1/crypto/encrypt then
 * /v1/crypto/decrypt with 1,000 64-byte fields; one field is counted per encrypt+decrypt pair as
 * in cases 1 and 2. `ceiling` (case 1, 1,000 fields a call) runs in rounds alternating with the
 * HTTP rounds, so that load from elsewhere on the machine weighs on both alike; CPU time per
 * field is measured for both as well, the figure that load skews least.
 */
export async function measureHttpBatches(
  field: string,
  batch: number,
  ceiling: () => number,
): Promise<HttpBatchesResult> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/privacy';
  const url = new URL(base);
  url.pathname = `/privacy_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const redisPrefix = `bench_${randomBytes(4).toString('hex')}`;
  const server = fork(join(__dirname, 'crypto-http.server.ts'), [], {
    // BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the server.
    execArgv: [
      // As `npm start` runs the API.
      '--max-semi-space-size=64',
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ') ?? []),
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
    ],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: redisPrefix,
      DB_MIGRATE: 'true',
      WORKERS: 'false',
      LOG_LEVEL: 'silent',
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_API_KEY_DEFAULT: '100000000',
      RATE_LIMIT_USER_PER_MINUTE: '100000000',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
    },
  });
  const { port, cryptoThreads } = await new Promise<{ port: number; cryptoThreads: number }>(
    (resolve, reject) => {
      server.once('message', resolve);
      server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    },
  );
  try {
    const http = httpClient(port);
    const login = await http.post('/v1/auth/login', JSON.stringify(ADMIN));
    const { accessToken } = JSON.parse(login.toString('utf8')) as { accessToken: string };
    const created = await http.post(
      '/v1/admin/api-keys',
      JSON.stringify({ name: 'bench', scopes: ['crypto:encrypt', 'crypto:decrypt'] }),
      accessToken,
    );
    const { key } = JSON.parse(created.toString('utf8')) as { key: string };
    const fields = Object.fromEntries(Array.from({ length: batch }, (_, i) => [`f${i}`, field]));
    const context = { table: 'users', column: 'email' };
    // The client stays cheap so that the numbers are the server's: the encrypt body is encoded
    // once, and the decrypt body is the encrypt answer's bytes (`{"fields":{...}}`) behind the
    // context.
    const encryptBody = Buffer.from(JSON.stringify({ context, fields }));
    const decryptHead = Buffer.from(`{"context":${JSON.stringify(context)},`);
    const decryptBody = (sealed: Buffer): Buffer =>
      Buffer.concat([decryptHead, sealed.subarray(1)]);
    const roundTrip = async (): Promise<Buffer> => {
      const sealed = await http.post('/v1/crypto/encrypt', encryptBody, key);
      return http.post('/v1/crypto/decrypt', decryptBody(sealed), key);
    };
    const opened = JSON.parse((await roundTrip()).toString('utf8')) as {
      fields: Record<string, string>;
    };
    if (Object.keys(opened.fields).length !== batch || opened.fields.f0 !== field) {
      throw new Error('the HTTP round trip did not return the plaintext');
    }
    const serverCpu = () =>
      new Promise<number>((resolve) => {
        server.once('message', (m: { cpuUsage: NodeJS.CpuUsage }) =>
          resolve(m.cpuUsage.user + m.cpuUsage.system),
        );
        server.send('cpu-usage');
      });
    let httpFields = 0;
    let ceilingFields = 0;
    let ceilingCpu = 0;
    const serverCpuBefore = await serverCpu();
    const results = await Runner.interleaved(
      {
        http: async () => {
          await roundTrip();
          httpFields += batch;
          return batch;
        },
        ceiling: () => {
          const before = process.cpuUsage();
          const done = ceiling();
          const used = process.cpuUsage(before);
          ceilingCpu += used.user + used.system;
          ceilingFields += done;
          return done;
        },
      },
      { seconds: 2, warmupSeconds: 1, rounds: 4, concurrency: { http: IN_FLIGHT } },
    );
    const serverCpuUsed = (await serverCpu()) - serverCpuBefore;
    const besideBatches = await probeBesideBatches(http, roundTrip, 3);
    return {
      httpPerSec: results.http.opsPerSec,
      ceilingPerSec: results.ceiling.opsPerSec,
      serverCpuUsPerField: serverCpuUsed / httpFields,
      ceilingCpuUsPerField: ceilingCpu / ceilingFields,
      cryptoThreads,
      besideBatches,
    };
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.disconnect();
    await exited;
    const admin = new Client({ connectionString: base.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
    await dropRedisKeys(`${redisPrefix}:*`);
  }
}
