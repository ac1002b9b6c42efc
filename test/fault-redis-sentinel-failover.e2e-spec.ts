import request from 'supertest';
import { check, createPurpose, purposeKey, recordConsent } from './support/consent-fixtures';
import { createApiKey } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { until } from './support/http-store-service';
import { ownDatabase } from './support/own-database';
import { freePorts, RedisGroup } from './support/redis-group';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(300000);

const MASTER = 'privacy-master';

/**
 * Redis behind three Sentinels loses its master (SIGKILL) while erasures run and consents are
 * checked: the Sentinels promote the replica, the service follows it, every request completes
 * with the backend erasing each subject once, and consent writes and checks answer right again.
 */
describe('Redis Sentinel failover in the middle of a run', () => {
  const group = new RedisGroup();
  const store = new TestHttpStore('sentinel-failover-secret-001');
  let masterPort: number;
  let replicaPort: number;
  let sentinelPorts: number[];
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let app: TestApp;
  let token: string;
  let key: string;
  let inFlight = 0;
  const erasedBy = new Map<string, number>();

  const masterOf = async (): Promise<number> => {
    const out = await group.cli(
      ['-p', String(sentinelPorts[0])],
      ['sentinel', 'get-master-addr-by-name', MASTER],
    );
    return Number(out.trim().split('\n')[1]);
  };

  beforeAll(async () => {
    [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5);
    await group.startSentinels({
      name: MASTER,
      masterPort,
      replicaPort,
      sentinelPorts,
      quorum: 2,
      downAfterMs: 2000,
      failoverTimeoutMs: 10000,
    });
    // The Sentinels find each other and the replica through the master before it can fail.
    await until(async () => {
      const quorum = await group
        .cli(['-p', String(sentinelPorts[0])], ['sentinel', 'ckquorum', MASTER])
        .catch(() => '');
      const replicas = await group.cli(
        ['-p', String(sentinelPorts[0])],
        ['sentinel', 'replicas', MASTER],
      );
      return quorum.includes('3 usable') && replicas.includes(String(replicaPort))
        ? true
        : undefined;
    }, 60000);

    own = await ownDatabase('sentinel_failover');
    const storeUrl = await store.start();
    app = await createTestApp({
      ...own.env,
      REDIS_URL: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${MASTER}`,
      // Jobs the old master had not passed on yet are put back from PostgreSQL's record.
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      LOG_LEVEL: 'silent',
    });
    token = await adminToken(app.http);
    key = (
      await createApiKey(app.http, token, [
        'requests:write',
        'requests:read',
        'consent:read',
        'consent:write',
      ])
    ).key;
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
    store.onCall = async (call) => {
      inFlight++;
      try {
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        inFlight--;
      }
      const email = call.subject.email ?? '';
      if (call.type === 'erasure' && store.records.has(email)) {
        erasedBy.set(email, (erasedBy.get(email) ?? 0) + 1);
      }
    };
  }, 180000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await store.stop();
    await own?.drop();
    await group.stop();
  });

  const file = async (email: string): Promise<string> =>
    (
      await request(app.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({ type: 'erasure', subject: { email } })
        .expect(201)
    ).body.id as string;

  /** The answer of a check once it answers 200 again (during the failover it may answer 503). */
  const settledCheck = (subject: string, purpose: string, allowed: boolean): Promise<boolean> =>
    until(async () => {
      const res = await request(app.http)
        .get('/v1/consents/check')
        .query({ subjectId: subject, purpose })
        .set('Authorization', `Bearer ${key}`);
      return res.status === 200 && (res.body as { allowed: boolean }).allowed === allowed
        ? true
        : undefined;
    }, 120000);

  /** Records a consent, resent while the failover makes the service answer 503. */
  const consent = (subjectId: string, purpose: string, granted: boolean): Promise<true> =>
    until(async () => {
      const res = await recordConsent(app.http, key, {
        subjectId,
        purpose,
        granted,
        source: 'web',
      });
      return res.status === 201 || res.status === 200 ? true : undefined;
    }, 120000);

  it('follows the promoted replica: requests complete once each, consents check right', async () => {
    const purpose = (
      await createPurpose(app.http, token, { key: purposeKey('failover'), legalBasis: 'consent' })
    ).key;
    await consent('kept-grant', purpose, true);
    await consent('withdrawn-later', purpose, true);
    expect(await check(app.http, key, 'kept-grant', purpose)).toMatchObject({ allowed: true });

    const before = Array.from({ length: 8 }, (_, i) => `before.failover.${i}@example.test`);
    before.forEach((e) => store.seed(e));
    const ids = await Promise.all(before.map(file));
    await until(async () => (inFlight > 0 ? true : undefined), 60000);
    await group.kill('master');
    await until(async () => ((await masterOf()) === replicaPort ? true : undefined), 120000);

    // After the failover: new requests, a withdrawal and a new grant, and checks of all three.
    const after = Array.from({ length: 4 }, (_, i) => `after.failover.${i}@example.test`);
    after.forEach((e) => store.seed(e));
    for (const email of after) {
      ids.push(await until(() => file(email).catch(() => undefined), 120000));
    }
    await consent('withdrawn-later', purpose, false);
    await consent('granted-later', purpose, true);
    await settledCheck('kept-grant', purpose, true);
    await settledCheck('withdrawn-later', purpose, false);
    await settledCheck('granted-later', purpose, true);

    const views = await until(async () => {
      const all = await Promise.all(
        ids.map(
          async (id) =>
            (
              await request(app.http)
                .get(`/v1/privacy-requests/${id}`)
                .set('Authorization', `Bearer ${key}`)
            ).body as { status?: string },
        ),
      );
      return all.every((v) => v.status === 'completed') ? all : undefined;
    }, 180000);
    expect(views).toHaveLength(before.length + after.length);
    expect(Object.fromEntries(erasedBy)).toEqual(
      Object.fromEntries([...before, ...after].map((e) => [e, 1])),
    );
    // The service's keys are on the promoted replica, the master now.
    const keys = await group.cli(
      ['-p', String(replicaPort)],
      ['--scan', '--pattern', `${app.config.redis.prefix}:*`],
    );
    expect(keys).toContain(':bull:');
    const verified = await request(app.http)
      .get('/v1/audit/verify')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(verified.body).toMatchObject({ ok: true });
  });
});
