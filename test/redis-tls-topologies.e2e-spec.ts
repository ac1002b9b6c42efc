import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { createRedisClient } from 'src/queue/redis-connection';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { killAll, until } from './support/http-store-service';
import { ownDatabase } from './support/own-database';
import { freePorts, TlsRedisGroup } from './support/redis-group';
import { exitOf, freePort, spawnEntry, waitForHttp } from './support/spawn-service';
import { adminToken } from './support/test-app';

jest.setTimeout(300000);

const MASTER = 'privacy-master';

/**
 * The service as production runs it (one process, API and workers) on `redisUrl`, trusting the
 * test CA through NODE_EXTRA_CA_CERTS: an erasure through an HTTP backend runs to the end.
 */
async function eraseThroughProcess(redisUrl: string, caFile: string, tag: string): Promise<string> {
  const own = await ownDatabase(tag);
  const store = new TestHttpStore(`${tag}-store-secret-000001`);
  const storeUrl = await store.start();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  try {
    child = spawnEntry('main', {
      ...own.env,
      PORT: String(port),
      REDIS_URL: redisUrl,
      NODE_EXTRA_CA_CERTS: caFile,
      LOG_LEVEL: 'warn',
    });
    child.stdout?.resume();
    child.stderr?.resume();
    await waitForHttp(`${base}/health/ready`, 150000);
    const token = await adminToken(base);
    const key = (await createApiKey(base, token, ['requests:write', 'requests:read'])).key;
    await request(base)
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
    const created = await request(base)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'erasure', subject: { email } })
      .expect(201);
    await until(async () => {
      const res = await request(base)
        .get(`/v1/privacy-requests/${created.body.id as string}`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      return res.body.status === 'completed' ? true : undefined;
    }, 120000);
    expect(store.calls.map((c) => c.type)).toEqual(['erasure']);
    return own.env.REDIS_PREFIX;
  } finally {
    if (child) {
      killAll([child]);
      await exitOf(child, 10000).catch(() => undefined);
    }
    await store.stop();
    await own.drop();
  }
}

/** A client of `url` in this process, which does not trust the test CA: it cannot connect. */
async function refusedWithoutTheCa(url: string): Promise<void> {
  const client = createRedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await expect(client.connect().then(() => client.ping())).rejects.toThrow();
  } finally {
    client.disconnect();
  }
}

describe('Redis Sentinel over TLS (rediss+sentinel://)', () => {
  const group = new TlsRedisGroup();
  let masterPort: number;
  let sentinelPort: number;

  beforeAll(async () => {
    let replicaPort: number;
    [masterPort, replicaPort, sentinelPort] = await freePorts(3);
    await group.startSentinels({
      name: MASTER,
      masterPort,
      replicaPort,
      sentinelPorts: [sentinelPort],
      quorum: 1,
      downAfterMs: 5000,
    });
  }, 60000);
  afterAll(() => group.stop());

  it('finds the master through a TLS Sentinel and runs a request on it, verifying the CA', async () => {
    const url = `rediss+sentinel://127.0.0.1:${sentinelPort}/${MASTER}`;
    await refusedWithoutTheCa(url);
    const prefix = await eraseThroughProcess(url, group.caFile, 'sentinel_tls');
    const keys = await group.cli(group.connection(masterPort), [
      '--scan',
      '--pattern',
      `${prefix}:*`,
    ]);
    expect(keys).toContain(':bull:');
  });
});

describe('Redis Cluster over TLS (rediss+cluster://)', () => {
  const group = new TlsRedisGroup();
  const ports: number[] = [];

  beforeAll(async () => {
    ports.push(...(await freePorts(3)));
    await group.startCluster(ports);
  }, 120000);
  afterAll(() => group.stop());

  it('runs a request on a three-node TLS cluster, verifying the CA', async () => {
    const url = `rediss+cluster://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`;
    await refusedWithoutTheCa(url);
    const prefix = await eraseThroughProcess(url, group.caFile, 'cluster_tls');
    const perNode = await Promise.all(
      ports.map((port) =>
        group.cli(group.connection(port), ['--scan', '--pattern', `{${prefix}}:*`]),
      ),
    );
    expect(perNode.join('\n')).toContain(':bull:');
  });
});
