import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  check,
  createPurpose,
  purposeKey,
  recordConsent,
  subjectEmail,
} from './support/consent-fixtures';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(180_000);

/** Two instances of the service on one database and one Redis, as in a scaled deployment. */
describe('Consent under concurrency, across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let key: string;
  let purpose: string;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ WORKERS: 'false' });
    const admin = await adminToken(a.http);
    key = (await createApiKey(a.http, admin, ['consent:read', 'consent:write'])).key;
    purpose = (
      await createPurpose(a.http, admin, { key: purposeKey('conc'), legalBasis: 'consent' })
    ).key;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('ends 200 parallel grants and withdrawals in the state of the highest-sequence event', async () => {
    const subjectId = subjectEmail('race');
    const writes = Array.from({ length: 200 }, (_, i) => ({
      app: i % 2 === 0 ? a : b,
      granted: (i * 7919) % 3 !== 0,
    }));
    const responses = await Promise.all(
      writes.map((w) => recordConsent(w.app.http, key, { subjectId, purpose, granted: w.granted })),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const bodies = responses.map(
      (r) => r.body as { sequence: number; granted: boolean; receiptId: string },
    );
    expect(new Set(bodies.map((x) => x.sequence)).size).toBe(200);
    const last = bodies.reduce((m, x) => (x.sequence > m.sequence ? x : m));

    for (const app of [a, b]) {
      const state = await request(app.http)
        .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents`)
        .set('Authorization', `Bearer ${key}`)
        .expect(200);
      expect(state.body.items).toEqual([
        expect.objectContaining({ purpose, granted: last.granted, receiptId: last.receiptId }),
      ]);
      expect((await check(app.http, key, subjectId, purpose)).allowed).toBe(last.granted);
    }
    const history = await request(a.http)
      .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents/history?limit=500`)
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
    expect(history.body.items).toHaveLength(200);
    expect(history.body.items[199].receiptId).toBe(last.receiptId);
    const rows = await a.app
      .get(DataSource)
      .query<Array<{ last_seq: string }>>(
        'SELECT s.last_seq FROM consent_states s JOIN consent_events e ON e.id = s.receipt_id WHERE e.id = $1',
        [last.receiptId],
      );
    expect(Number(rows[0].last_seq)).toBe(last.sequence);
  });

  it('never answers allowed on either instance to a check issued after a withdrawal returned 201', async () => {
    const subjectId = subjectEmail('stale');
    let stop = false;
    let hammered = 0;
    // Checks in flight on both instances keep filling the cache while decisions change.
    const hammer = async (app: TestApp): Promise<void> => {
      while (!stop) {
        await check(app.http, key, subjectId, purpose);
        hammered += 1;
      }
    };
    const background = [hammer(a), hammer(b), hammer(a), hammer(b)];
    const violations: string[] = [];
    for (let round = 0; round < 40; round += 1) {
      const writer = round % 2 === 0 ? a : b;
      const grant = await recordConsent(writer.http, key, { subjectId, purpose, granted: true });
      expect(grant.status).toBe(201);
      // The grant is visible everywhere too, so the cache is really in play for what follows.
      const granted = await Promise.all([
        check(a.http, key, subjectId, purpose),
        check(b.http, key, subjectId, purpose),
      ]);
      expect(granted.map((r) => r.allowed)).toEqual([true, true]);
      const withdraw = await recordConsent(writer.http, key, {
        subjectId,
        purpose,
        granted: false,
      });
      expect(withdraw.status).toBe(201);
      const after = await Promise.all([
        check(a.http, key, subjectId, purpose),
        check(b.http, key, subjectId, purpose),
        check(a.http, key, subjectId, purpose),
        check(b.http, key, subjectId, purpose),
      ]);
      if (after.some((r) => r.allowed)) {
        violations.push(`round ${round}: ${JSON.stringify(after)}`);
      }
    }
    stop = true;
    await Promise.all(background);
    expect(hammered).toBeGreaterThan(40);
    expect(violations).toEqual([]);
  });

  it('mixes parallel writes with checks: no allowed after a withdrawal unless a later grant exists', async () => {
    const subjectId = subjectEmail('mixed');
    const withdrawals: number[] = [];
    const grants: number[] = [];
    const checks: Array<{ afterSeq: number; allowed: boolean }> = [];
    let highestWithdrawalSeen = 0;
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const app = i % 2 === 0 ? a : b;
        const granted = i % 3 !== 0;
        const res = await recordConsent(app.http, key, { subjectId, purpose, granted });
        const seq = (res.body as { sequence: number }).sequence;
        (granted ? grants : withdrawals).push(seq);
        if (!granted) {
          highestWithdrawalSeen = Math.max(highestWithdrawalSeen, seq);
          const afterSeq = highestWithdrawalSeen;
          const other = app === a ? b : a;
          checks.push({
            afterSeq,
            allowed: (await check(other.http, key, subjectId, purpose)).allowed,
          });
        }
      }),
    );
    expect(withdrawals.length).toBeGreaterThan(0);
    for (const c of checks.filter((x) => x.allowed)) {
      // An allowed answer is only legitimate when some grant was recorded after that withdrawal.
      expect(grants.some((g) => g > c.afterSeq)).toBe(true);
    }
  });
});
