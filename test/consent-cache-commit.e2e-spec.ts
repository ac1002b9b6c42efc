import { ConsentCache } from 'src/consent/check/consent-cache';
import {
  check,
  createPurpose,
  purposeKey,
  recordConsent,
  subjectEmail,
} from './support/consent-fixtures';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/**
 * The check cache never outlives the ledger: a writer marks the keys it changes before its
 * commit, so a process that dies between the commit and the cache update leaves no stale answer.
 * The writer's death is played by a second instance whose cache update never happens.
 */
describe('consent check cache and the commit', () => {
  let live: TestApp;
  let dying: TestApp;
  let key: string;
  let purpose: string;

  beforeAll(async () => {
    live = await createTestApp({ WORKERS: 'false' });
    dying = await createTestApp({ WORKERS: 'false' });
    const admin = await adminToken(live.http);
    key = (await createApiKey(live.http, admin, ['consent:read', 'consent:write'])).key;
    purpose = (
      await createPurpose(live.http, admin, { key: purposeKey('commit'), legalBasis: 'consent' })
    ).key;
  });
  afterAll(async () => {
    await dying?.close();
    await live?.close();
  });

  it('a withdrawal committed by a process that died before updating the cache is what checks answer', async () => {
    const subjectId = subjectEmail('died');
    expect(
      (await recordConsent(live.http, key, { subjectId, purpose, granted: true })).status,
    ).toBe(201);
    // A cached grant, as after any check.
    expect(await check(live.http, key, subjectId, purpose)).toEqual({
      allowed: true,
      reason: 'granted',
    });
    let release = (): void => undefined;
    // Only writes publish, and only the dying instance writes from here.
    const publish = jest
      .spyOn(ConsentCache.prototype, 'publishState')
      .mockImplementation(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      // The writer commits and then never gets to its cache update.
      const withdrawal = recordConsent(dying.http, key, { subjectId, purpose, granted: false });
      void withdrawal.catch(() => undefined);
      for (let i = 0; publish.mock.calls.length === 0 && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(publish).toHaveBeenCalled();
      expect(await check(live.http, key, subjectId, purpose)).toEqual({
        allowed: false,
        reason: 'withdrawn',
      });
      // Checks keep reading the ledger (no fill lands over the marker) until it expires.
      expect(await check(live.http, key, subjectId, purpose)).toEqual({
        allowed: false,
        reason: 'withdrawn',
      });
    } finally {
      publish.mockRestore();
      // Lets the held request end, so its instance can close.
      release();
    }
  });

  it('a write that cannot mark the cache is not recorded, and says 503 with Retry-After', async () => {
    const subjectId = subjectEmail('unmarked');
    const mark = jest
      .spyOn(ConsentCache.prototype, 'markPending')
      .mockRejectedValueOnce(new Error('Connection is closed.'));
    try {
      const res = await recordConsent(live.http, key, { subjectId, purpose, granted: true });
      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      mark.mockRestore();
    }
    expect(await check(live.http, key, subjectId, purpose)).toEqual({
      allowed: false,
      reason: 'no_consent',
    });
  });
});
