import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createPurpose, purposeKey, subjectEmail } from './support/consent-fixtures';
import { createApiKey } from './support/factories';
import { ownDatabase } from './support/own-database';
import { exitOf, freePort, spawnEntry, waitForHttp } from './support/spawn-service';
import { killAll } from './support/http-store-service';
import { BOOTSTRAP_ADMIN, login } from './support/test-app';

jest.setTimeout(150000);

interface Write {
  key: string;
  body: { subjectId: string; purpose: string; granted: boolean };
  answered: boolean;
}

/**
 * The API is killed (SIGKILL) while consent writes are in flight. Writes that got no answer are
 * resent with their Idempotency-Key to a restarted API: each write is recorded once, and every
 * check answers what the ledger says.
 */
describe('API killed during consent writes', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let env: Record<string, string>;
  let base: string;
  let api: ChildProcess | undefined;

  const startApi = async (): Promise<void> => {
    api = spawnEntry('main', env);
    await waitForHttp(`${base}/health/live`, 120000);
  };

  beforeAll(async () => {
    own = await ownDatabase('api_kill');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...own.env, PORT: String(port), WORKERS: 'false' };
    await startApi();
    env = { ...env, DB_MIGRATE: 'false' };
  }, 150000);
  afterAll(async () => {
    if (api && api.exitCode === null && api.signalCode === null) {
      killAll([api]);
      await exitOf(api, 10000);
    }
    await own?.drop();
  });

  it('records each write once and checks agree with the ledger after resends', async () => {
    const token = await login(base, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password);
    const { key } = await createApiKey(base, token, ['consent:read', 'consent:write']);
    const purpose = (
      await createPurpose(base, token, { key: purposeKey('kill'), legalBasis: 'consent' })
    ).key;
    const subjects = Array.from({ length: 8 }, (_, i) => subjectEmail(`killed-${i}`));
    const writes: Write[] = subjects.flatMap((subjectId) =>
      [true, false, true].map((granted) => ({
        key: randomUUID(),
        body: { subjectId, purpose, granted },
        answered: false,
      })),
    );
    const send = (w: Write) =>
      request(base)
        .post('/v1/consents')
        .set('Authorization', `Bearer ${key}`)
        .set('Idempotency-Key', w.key)
        .send(w.body);
    // Each subject's writes in order, all subjects at once; the API dies part way.
    const running = Promise.all(
      subjects.map(async (subjectId) => {
        for (const w of writes.filter((x) => x.body.subjectId === subjectId)) {
          try {
            w.answered = (await send(w)).status === 201;
          } catch {
            return;
          }
        }
      }),
    );
    while (writes.filter((w) => w.answered).length < 6) {
      await new Promise((r) => setTimeout(r, 20));
    }
    api?.kill('SIGKILL');
    await exitOf(api as ChildProcess, 10000);
    await running;
    expect(writes.some((w) => !w.answered)).toBe(true);

    await startApi();
    for (const subjectId of subjects) {
      for (const w of writes.filter((x) => x.body.subjectId === subjectId)) {
        if (!w.answered) {
          expect((await send(w)).status).toBe(201);
        }
      }
    }
    for (const subjectId of subjects) {
      const history = await request(base)
        .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents/history`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      // Three writes, three events: none lost, none twice.
      expect((history.body as { items: unknown[] }).items).toHaveLength(3);
      const check = await request(base)
        .get('/v1/consents/check')
        .query({ subjectId, purpose })
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      // The last write of every subject is a grant.
      expect(check.body).toEqual({ allowed: true, reason: 'granted' });
    }
  });
});
