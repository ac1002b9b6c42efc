import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createRedisClient } from 'src/queue/redis-connection';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { killAll, until } from './support/http-store-service';
import { ownDatabase } from './support/own-database';
import { RedisGroup } from './support/redis-group';
import { exitOf, freePort, spawnEntry, waitForHttp } from './support/spawn-service';
import { makeTestCertificates } from './support/test-certificates';
import { adminToken } from './support/test-app';

jest.setTimeout(300000);

const MASTER = 'privacy-master';

/** TLS servers of a test's own: certificates from a throwaway CA, the plain port off. */
class TlsRedisGroup extends RedisGroup {
  // Cluster nodes and replicas connect to each other with the same certificate.
  private readonly certs = makeTestCertificates('localhost', { clientAuth: true });
  readonly caFile = join(this.dir, 'ca.pem');

  constructor() {
    super();
    writeFileSync(this.caFile, this.certs.caPem);
    writeFileSync(join(this.dir, 'server.pem'), this.certs.certPem);
    writeFileSync(join(this.dir, 'server.key'), this.certs.keyPem, { mode: 0o600 });
  }

  /** redis-cli's arguments to reach a TLS port. */
  connection(port: number): string[] {
    return ['--tls', '--cacert', this.caFile, '-h', '127.0.0.1', '-p', String(port)];
  }

  startTls(name: string, port: number, lines: string[], sentinel = false): Promise<void> {
    return this.start(
      name,
      port,
      [
        'port 0',
        `tls-port ${port}`,
        `tls-cert-file ${join(this.dir, 'server.pem')}`,
        `tls-key-file ${join(this.dir, 'server.key')}`,
        `tls-ca-cert-file ${this.caFile}`,
        'tls-auth-clients no',
        'appendonly no',
        ...lines,
      ],
      { sentinel, cli: this.connection(port) },
    );
  }
}

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
    masterPort = await freePort();
    const replicaPort = await freePort();
    sentinelPort = await freePort();
    await group.startTls('master', masterPort, []);
    await group.startTls('replica', replicaPort, [
      'tls-replication yes',
      `replicaof 127.0.0.1 ${masterPort}`,
    ]);
    await group.startTls(
      'sentinel',
      sentinelPort,
      [
        'tls-replication yes',
        `sentinel monitor ${MASTER} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${MASTER} 5000`,
      ],
      true,
    );
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
    for (let i = 0; i < 3; i++) {
      ports.push(await freePort());
    }
    // The bus port by default is the port + 10000, past 65535 for a high free port.
    const busPorts = [await freePort(), await freePort(), await freePort()];
    await Promise.all(
      ports.map((port, i) =>
        group.startTls(`node-${port}`, port, [
          'tls-cluster yes',
          'cluster-enabled yes',
          `cluster-port ${busPorts[i]}`,
          `cluster-config-file nodes-${port}.conf`,
          'cluster-node-timeout 5000',
        ]),
      ),
    );
    await group.cli(
      ['--tls', '--cacert', group.caFile],
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
    );
    await until(async () => {
      const info = await group.cli(group.connection(ports[0]), ['cluster', 'info']);
      return info.includes('cluster_state:ok') ? true : undefined;
    }, 30000);
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
