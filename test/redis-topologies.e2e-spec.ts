import Redis from 'ioredis';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { ownDatabase } from './support/own-database';
import { freePorts, RedisGroup } from './support/redis-group';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(180000);

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
    [masterPort, sentinelPort] = await freePorts(2);
    await group.startSentinels({
      name: 'privacy-master',
      masterPort,
      sentinelPorts: [sentinelPort],
      quorum: 1,
      downAfterMs: 5000,
    });
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
    ports.push(...(await freePorts(3)));
    await group.startCluster(ports);
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
