import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase } from 'src/database/ensure-database';
import { Runner } from './runner';

const ADMIN = {
  email: 'bench-admin@example.test',
  password: `bench-${randomBytes(8).toString('hex')}`,
};

const IN_FLIGHT = 4;

interface HttpClient {
  post<T>(path: string, body: unknown, token?: string): Promise<T>;
}

function httpClient(port: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  return {
    post: <T>(path: string, body: unknown, token?: string): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const payload = Buffer.from(JSON.stringify(body));
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': payload.length,
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if ((res.statusCode ?? 500) >= 300) {
                reject(new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 200)}`));
              } else {
                resolve(JSON.parse(text) as T);
              }
            });
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
  };
}

/**
 * Case 3: the real application in a child process on a loopback port (its own scratch database and
 * Redis prefix, workers off), an API key with both crypto scopes, and keep-alive clients that each
 * POST /v1/crypto/encrypt then /v1/crypto/decrypt with 1,000 64-byte fields. Returns fields/s,
 * one field counted per encrypt+decrypt pair as in cases 1 and 2.
 */
export async function measureHttpBatches(field: string, batch: number): Promise<number> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/privacy';
  const url = new URL(base);
  url.pathname = `/privacy_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const server = fork(join(__dirname, 'crypto-http.server.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: `bench_${randomBytes(4).toString('hex')}`,
      DB_MIGRATE: 'true',
      WORKERS: 'false',
      LOG_LEVEL: 'silent',
      MASTER_KEY: randomBytes(32).toString('base64'),
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_DEFAULT: '100000000',
      RATE_LIMIT_LOGIN_PER_IP: '1000',
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('message', (m: { port: number }) => resolve(m.port));
    server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  try {
    const http = httpClient(port);
    const { accessToken } = await http.post<{ accessToken: string }>('/v1/auth/login', ADMIN);
    const { key } = await http.post<{ key: string }>(
      '/v1/admin/api-keys',
      { name: 'bench', scopes: ['crypto:encrypt', 'crypto:decrypt'] },
      accessToken,
    );
    const fields = Object.fromEntries(Array.from({ length: batch }, (_, i) => [`f${i}`, field]));
    const context = { table: 'users', column: 'email' };
    const pair = async (): Promise<number> => {
      const sealed = await http.post<{ fields: Record<string, string> }>(
        '/v1/crypto/encrypt',
        { context, fields },
        key,
      );
      await http.post('/v1/crypto/decrypt', { context, fields: sealed.fields }, key);
      return batch;
    };
    // Several requests in flight overlap one call's database audit write with another's crypto.
    const result = await Runner.throughput(
      async () =>
        (await Promise.all(Array.from({ length: IN_FLIGHT }, pair))).reduce((a, b) => a + b, 0),
      { seconds: 2, warmupSeconds: 1, rounds: 3 },
    );
    return result.opsPerSec;
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.disconnect();
    await exited;
    const admin = new Client({ connectionString: base.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await admin.end();
  }
}
