import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { exitOf, freePort, redisReady, spawnRedis } from './support/spawn-service';
import { adminToken, BOOTSTRAP_ADMIN, createTestApp, TestApp } from './support/test-app';

describe('rate limits while Redis is down', () => {
  let redis: ChildProcess;
  let url: string;
  let closed: TestApp;
  let open: TestApp;
  let key: string;

  const startRedis = async (): Promise<void> => {
    redis = spawnRedis(Number(new URL(url).port));
    await redisReady(url);
  };
  const stopRedis = async (): Promise<void> => {
    redis.kill('SIGKILL');
    await exitOf(redis, 5000);
  };

  beforeAll(async () => {
    url = `redis://127.0.0.1:${await freePort()}`;
    await startRedis();
    const env = {
      REDIS_URL: url,
      WORKERS: 'false',
      REDIS_PREFIX: `limits-down-${randomUUID().slice(0, 8)}`,
      RATE_LIMIT_LOGIN_PER_IP: '',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '',
      RATE_LIMIT_PUBLIC_PER_IP: '',
      RATE_LIMIT_ANONYMOUS_PER_IP: '',
    };
    closed = await createTestApp(env);
    open = await createTestApp({ ...env, RATE_LIMIT_REDIS_DOWN: 'open' });
    key = (await createApiKey(closed.http, await adminToken(closed.http), ['dlp:scan'])).key;
    // The key is looked up once while everything is up, as a running backend's would be.
    await request(closed.http)
      .get('/v1/dlp/entities')
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    await stopRedis();
  });
  afterAll(async () => {
    // Back up first, so the apps close their connections cleanly.
    await startRedis();
    // Clients that gave up while Redis was away may refuse to quit; the apps still close.
    await closed?.close().catch(() => undefined);
    await open?.close().catch(() => undefined);
    await stopRedis();
  });

  it('answers login with 503 and Retry-After by default (fails closed)', async () => {
    const res = await request(closed.http).post('/v1/auth/login').send(BOOTSTRAP_ADMIN).expect(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('answers public endpoints and callers without credentials with 503 by default', async () => {
    const res = await request(closed.http).get('/v1/auth/whoami').expect(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps serving an API key, counted in process', async () => {
    await request(closed.http)
      .get('/v1/dlp/entities')
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
  });

  it('lets logins through with RATE_LIMIT_REDIS_DOWN=open', async () => {
    await request(open.http).post('/v1/auth/login').send(BOOTSTRAP_ADMIN).expect(200);
  });
});
