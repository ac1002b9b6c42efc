import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { WorkflowQueue } from 'src/privacy-requests/workflow/workflow-queue.service';
import { createPurpose, purposeKey, recordConsent, subjectEmail } from './support/consent-fixtures';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

/**
 * `Idempotency-Key` on POST /v1/consents and POST /v1/privacy-requests: a resend of the same
 * request answers as the first time and records nothing again.
 */
describe('Idempotency-Key', () => {
  let t: TestApp;
  let admin: string;
  let purpose: string;
  let consentKey: { id: string; key: string };
  let otherConsentKey: { id: string; key: string };

  beforeAll(async () => {
    t = await createTestApp({ WORKERS: 'false' });
    admin = await adminToken(t.http);
    consentKey = await createApiKey(t.http, admin, ['consent:read', 'consent:write']);
    otherConsentKey = await createApiKey(t.http, admin, ['consent:read', 'consent:write']);
    purpose = (
      await createPurpose(t.http, admin, { key: purposeKey('idem'), legalBasis: 'consent' })
    ).key;
  });
  afterAll(() => t?.close());

  const history = async (subjectId: string): Promise<unknown[]> => {
    const res = await request(t.http)
      .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents/history`)
      .set('Authorization', `Bearer ${consentKey.key}`)
      .expect(200);
    return (res.body as { items: unknown[] }).items;
  };
  const fileRequest = (key: string, body: object, idempotencyKey?: string) => {
    const req = request(t.http).post('/v1/privacy-requests').set('Authorization', `Bearer ${key}`);
    if (idempotencyKey) {
      req.set('Idempotency-Key', idempotencyKey);
    }
    return req.send(body);
  };
  const requestsFiledBy = async (apiKeyId: string): Promise<number> => {
    const [row] = await t.app
      .get(DataSource)
      .query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM privacy_requests WHERE requested_by = $1',
        [apiKeyId],
      );
    return row.n;
  };

  it('answers a resent consent write as the first time, without a second ledger event', async () => {
    const subjectId = subjectEmail('resend');
    const headers = { 'Idempotency-Key': randomUUID() };
    const body = { subjectId, purpose, granted: true };
    const first = await recordConsent(t.http, consentKey.key, body, headers);
    const again = await recordConsent(t.http, consentKey.key, body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await history(subjectId)).toHaveLength(1);
  });

  it('refuses the same key with a different body with 422, recording nothing', async () => {
    const subjectId = subjectEmail('reused');
    const headers = { 'Idempotency-Key': randomUUID() };
    await recordConsent(t.http, consentKey.key, { subjectId, purpose, granted: true }, headers);
    const res = await recordConsent(
      t.http,
      consentKey.key,
      { subjectId, purpose, granted: false },
      headers,
    );
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: expect.stringContaining('idempotency-key-reused') });
    expect((res.body as { detail: string }).detail).toContain('different request body');
    expect(await history(subjectId)).toHaveLength(1);
  });

  it('keeps keys per caller: another API key with the same key records its own write', async () => {
    const subjectId = subjectEmail('scoped');
    const headers = { 'Idempotency-Key': randomUUID() };
    const body = { subjectId, purpose, granted: true };
    const mine = await recordConsent(t.http, consentKey.key, body, headers);
    const theirs = await recordConsent(t.http, otherConsentKey.key, body, headers);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect((theirs.body as { receiptId: string }).receiptId).not.toBe(
      (mine.body as { receiptId: string }).receiptId,
    );
    expect(await history(subjectId)).toHaveLength(2);
  });

  it('answers concurrent duplicates of a consent write with one event and one answer', async () => {
    const subjectId = subjectEmail('concurrent');
    const headers = { 'Idempotency-Key': randomUUID() };
    const body = { subjectId, purpose, granted: true };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => recordConsent(t.http, consentKey.key, body, headers)),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => (a.body as { receiptId: string }).receiptId)).size).toBe(1);
    expect(await history(subjectId)).toHaveLength(1);
  });

  it('refuses a key that is not 1 to 255 visible ASCII characters with 400', async () => {
    const res = await recordConsent(
      t.http,
      consentKey.key,
      { subjectId: subjectEmail('bad-key'), purpose, granted: true },
      { 'Idempotency-Key': 'x'.repeat(256) },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: expect.stringContaining('invalid-idempotency-key') });
  });

  it('checks the key once the caller is known and before the body is validated', async () => {
    const badKey = 'x'.repeat(256);
    const unknownCaller = await fileRequest('not-a-key', { type: 'erasure' }, badKey);
    expect(unknownCaller.status).toBe(401);
    const filer = await createApiKey(t.http, admin, ['requests:write']);
    const invalidBoth = await fileRequest(filer.key, { type: 'no-such-type' }, badKey);
    expect(invalidBoth.status).toBe(400);
    expect(invalidBoth.body).toMatchObject({
      type: expect.stringContaining('invalid-idempotency-key'),
    });
    const body = { type: 'erasure', subject: { email: subjectEmail('first-answer') } };
    const key = randomUUID();
    const first = await fileRequest(filer.key, body, key).expect(201);
    const resent = await fileRequest(filer.key, body, key).expect(201);
    expect(resent.headers['idempotent-replayed']).toBe('true');
    expect(resent.headers['content-type']).toBe(first.headers['content-type']);
    expect(resent.body).toEqual(first.body);
    const reused = await fileRequest(filer.key, { ...body, type: 'access' }, key).expect(422);
    expect(reused.body).toMatchObject({ type: expect.stringContaining('idempotency-key-reused') });
    expect(await requestsFiledBy(filer.id)).toBe(1);
  });

  it('files concurrent duplicates of a privacy request once, answering each with its id', async () => {
    const filer = await createApiKey(t.http, admin, ['requests:write']);
    const key = randomUUID();
    const body = { type: 'access', subject: { email: subjectEmail('filed') } };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fileRequest(filer.key, body, key)),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
    expect(await requestsFiledBy(filer.id)).toBe(1);
  });

  it('answers a resend after a commit whose answer was lost with the committed request', async () => {
    const filer = await createApiKey(t.http, admin, ['requests:write']);
    const key = randomUUID();
    const body = { type: 'erasure', subject: { email: subjectEmail('lost') } };
    // The request commits, then the process fails before answering (here: queueing it throws).
    const queueing = jest
      .spyOn(WorkflowQueue.prototype, 'enqueueSoon')
      .mockImplementationOnce(() => {
        throw new Error('answer lost after the commit');
      });
    try {
      expect((await fileRequest(filer.key, body, key)).status).toBe(500);
    } finally {
      queueing.mockRestore();
    }
    expect(await requestsFiledBy(filer.id)).toBe(1);
    const resent = await fileRequest(filer.key, body, key).expect(201);
    expect(resent.headers['idempotent-replayed']).toBe('true');
    const [{ id }] = await t.app
      .get(DataSource)
      .query<Array<{ id: string }>>('SELECT id FROM privacy_requests WHERE requested_by = $1', [
        filer.id,
      ]);
    expect((resent.body as { id: string }).id).toBe(id);
    expect(await requestsFiledBy(filer.id)).toBe(1);
  });

  it('files twice without a key: the header is what makes a resend safe', async () => {
    const filer = await createApiKey(t.http, admin, ['requests:write']);
    const body = { type: 'access', subject: { email: subjectEmail('no-key') } };
    await fileRequest(filer.key, body).expect(201);
    await fileRequest(filer.key, body).expect(201);
    expect(await requestsFiledBy(filer.id)).toBe(2);
  });
});
