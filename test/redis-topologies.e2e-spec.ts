import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { ownDatabase } from './support/own-database';
import { RedisGroup } from './support/redis-group';
import { freePort } from './support/spawn-service';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(180000);

const run = promisify(execFile);

/** One API with its workers on `redisUrl`: an erasure through an HTTP backend runs to the end. */
async function eraseThrough(
  redisUrl: string,
  tag: string,
): Promise<{ app: TestApp; done: () => Promise<void> }> {
  const own = await ownDatabase(tag);
  const store = new TestHttpStore(`${tag}-store-secret-000001`);
  const storeUrl = await store.start();
  const app = await createTestApp({ ...own.env, REDIS_URL: redisUrl, LOG_LEVEL: 'silent' });
  const done = async (): Promise<void> => {
    await app.close();
    await store.stop();
    await own.drop();
  };
  try {
    const token = await adminToken(app.http);
    const key = (await createApiKey(app.http, token, ['requests:write', 'requests:read'])).key;
    await request(app.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'backend',
        type: 'http',
        connection: { url: storeUrl, secret: store.secret },
        collections: [],
      })
      .expect(201);
    const email = `${tag}@example.test`;
    store.seed(email);
    const created = await request(app.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'erasure', subject: { email } })
      .expect(201);
    let status = '';
    for (const deadline = Date.now() + 90_000; status !== 'completed';) {
      if (Date.now() > deadline) {
        throw new Error(`the request did not complete in time (status ${status})`);
      }
      await new Promise((r) => setTimeout(r, 250));
      status = (
        await request(app.http)
          .get(`/v1/privacy-requests/${created.body.id as string}`)
          .set('Authorization', `Bearer ${key}`)
          .expect(200)
      ).body.status as string;
    }
    expect(store.calls.map((c) => c.type)).toEqual(['erasure']);
    return { app, done };
  } catch (error) {
    await done();
    throw error;
  }
}

describe('Redis through Sentinel', () => {
  const group = new RedisGroup();
  let masterPort: number;
  let sentinelPort: number;

  beforeAll(async () => {
    masterPort = await freePort();
    sentinelPort = await freePort();
    await group.start('master', masterPort, ['appendonly no']);
    await group.start(
      'sentinel',
      sentinelPort,
      [
        `sentinel monitor privacy-master 127.0.0.1 ${masterPort} 1`,
        'sentinel down-after-milliseconds privacy-master 5000',
      ],
      { sentinel: true },
    );
  });
  afterAll(() => group.stop());

  it('finds the master through the sentinel and runs a privacy request to completion on it', async () => {
    const { app, done } = await eraseThrough(
      `redis+sentinel://127.0.0.1:${sentinelPort}/privacy-master`,
      'sentinel',
    );
    try {
      // The queues, caches and rate limits live on the master the sentinel named.
      const master = new Redis({ port: masterPort, host: '127.0.0.1' });
      const keys = await master.keys(`${app.config.redis.prefix}:*`);
      master.disconnect();
      expect(keys).toEqual(expect.arrayContaining([expect.stringContaining(':bull:')]));
    } finally {
      await done();
    }
  });
});

describe('Redis Cluster', () => {
  const group = new RedisGroup();
  const ports: number[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      ports.push(await freePort());
    }
    // The bus port by default is the port + 10000, past 65535 for a high free port.
    const busPorts = [await freePort(), await freePort(), await freePort()];
    await Promise.all(
      ports.map((port, i) =>
        group.start(`node-${port}`, port, [
          'cluster-enabled yes',
          `cluster-port ${busPorts[i]}`,
          `cluster-config-file nodes-${port}.conf`,
          'cluster-node-timeout 5000',
          'appendonly no',
        ]),
      ),
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const deadline = Date.now() + 20_000; ;) {
      const { stdout } = await run('redis-cli', ['-p', String(ports[0]), 'cluster', 'info']);
      if (stdout.includes('cluster_state:ok')) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error('the cluster did not reach cluster_state:ok');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(() => group.stop());

  it('runs a privacy request to completion on a three-node cluster, every key under one hash tag', async () => {
    const { app, done } = await eraseThrough(
      `redis+cluster://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`,
      'cluster',
    );
    try {
      const prefix = app.config.redis.prefix;
      expect(prefix).toMatch(/^\{.+\}$/);
      const perNode = await Promise.all(
        ports.map(async (port) => {
          const node = new Redis({ port, host: '127.0.0.1' });
          const keys = await node.keys(`${prefix}:*`);
          node.disconnect();
          return keys;
        }),
      );
      // One slot holds them all, so one node serves every key, the queues' too.
      expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);
      expect(perNode.flat()).toEqual(expect.arrayContaining([expect.stringContaining(':bull:')]));
    } finally {
      await done();
    }
  });
});
