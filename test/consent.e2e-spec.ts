import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  check,
  createPurpose,
  purposeKey,
  recordConsent,
  subjectEmail,
} from './support/consent-fixtures';
import { createApiKey, createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('Consent', () => {
  let t: TestApp;
  let admin: string;
  let dpo: string;
  let auditor: string;
  let rw: string;
  let readOnly: string;
  let writeOnly: string;
  let other: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    dpo = (await createUser(t.http, admin, ['dpo'])).token;
    auditor = (await createUser(t.http, admin, ['auditor'])).token;
    rw = (await createApiKey(t.http, admin, ['consent:read', 'consent:write'])).key;
    readOnly = (await createApiKey(t.http, admin, ['consent:read'])).key;
    writeOnly = (await createApiKey(t.http, admin, ['consent:write'])).key;
    other = (await createApiKey(t.http, admin, ['dlp:scan'])).key;
  });
  afterAll(() => t.close());

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('purposes', () => {
    it('lets admin and dpo create purposes with a legal basis and opt-out category', async () => {
      const key = purposeKey('newsletter');
      const res = await request(t.http)
        .post('/v1/purposes')
        .set(auth(admin))
        .send({
          key,
          name: 'Newsletter',
          description: 'Monthly news',
          legalBasis: 'consent',
          optOutCategory: 'sale',
        })
        .expect(201);
      expect(res.body).toMatchObject({
        key,
        version: 1,
        legalBasis: 'consent',
        optOutCategory: 'sale',
      });
      const byDpo = await createPurpose(t.http, dpo, {
        key: purposeKey('fraud'),
        legalBasis: 'legitimate_interests',
        version: 3,
      });
      expect(byDpo.version).toBe(3);
    });

    it('refuses purpose writes from auditors and API keys, and anonymous callers', async () => {
      const body = { key: purposeKey('x'), name: 'X', description: 'x', legalBasis: 'consent' };
      await request(t.http).post('/v1/purposes').set(auth(auditor)).send(body).expect(403);
      await request(t.http).post('/v1/purposes').set(auth(rw)).send(body).expect(403);
      await request(t.http).post('/v1/purposes').send(body).expect(401);
      await request(t.http).put(`/v1/purposes/${body.key}`).set(auth(rw)).send(body).expect(403);
    });

    it('lists purposes to any authenticated caller, paginated', async () => {
      await createPurpose(t.http, admin, { key: purposeKey('list'), legalBasis: 'contract' });
      await createPurpose(t.http, admin, { key: purposeKey('list'), legalBasis: 'contract' });
      const res = await request(t.http).get('/v1/purposes?limit=1').set(auth(other)).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.nextCursor).toEqual(expect.any(String));
      const next = await request(t.http)
        .get(`/v1/purposes?limit=500&cursor=${res.body.nextCursor as string}`)
        .set(auth(auditor))
        .expect(200);
      expect(next.body.items.length).toBeGreaterThanOrEqual(1);
      expect(next.body.items[0].key > res.body.items[0].key).toBe(true);
      await request(t.http).get('/v1/purposes').expect(401);
    });

    it('rejects a duplicate key (409), bad legal basis and unknown fields (400)', async () => {
      const key = purposeKey('dup');
      await createPurpose(t.http, admin, { key, legalBasis: 'consent' });
      const dup = await request(t.http)
        .post('/v1/purposes')
        .set(auth(admin))
        .send({ key, name: 'D', description: 'd', legalBasis: 'consent' })
        .expect(409);
      expect(dup.headers['content-type']).toContain('application/problem+json');
      await request(t.http)
        .post('/v1/purposes')
        .set(auth(admin))
        .send({ key: purposeKey('b'), name: 'B', description: 'b', legalBasis: 'because' })
        .expect(400);
      await request(t.http)
        .post('/v1/purposes')
        .set(auth(admin))
        .send({ key: purposeKey('b'), name: 'B', description: 'b', legalBasis: 'consent', x: 1 })
        .expect(400);
      await request(t.http)
        .post('/v1/purposes')
        .set(auth(admin))
        .send({ key: 'Bad Key!', name: 'B', description: 'b', legalBasis: 'consent' })
        .expect(400);
    });

    it('publishes new versions with PUT; unknown key 404, older version 422', async () => {
      const key = purposeKey('ver');
      await createPurpose(t.http, admin, { key, legalBasis: 'consent' });
      const body = { name: 'V2', description: 'second notice', legalBasis: 'consent' };
      const v2 = await request(t.http).put(`/v1/purposes/${key}`).set(auth(dpo)).send(body);
      expect(v2.status).toBe(200);
      expect(v2.body).toMatchObject({ key, version: 2, name: 'V2' });
      await request(t.http)
        .put(`/v1/purposes/${key}`)
        .set(auth(admin))
        .send({ ...body, version: 2 })
        .expect(422);
      await request(t.http)
        .put(`/v1/purposes/${purposeKey('nope')}`)
        .set(auth(admin))
        .send(body)
        .expect(404);
    });
  });

  describe('recording and checking', () => {
    let marketing: string;
    let analytics: string;

    beforeAll(async () => {
      marketing = (
        await createPurpose(t.http, admin, { key: purposeKey('mkt'), legalBasis: 'consent' })
      ).key;
      analytics = (
        await createPurpose(t.http, admin, {
          key: purposeKey('ana'),
          legalBasis: 'legitimate_interests',
        })
      ).key;
    });

    it('records a grant with a receipt and answers 201 with the contract fields', async () => {
      const subjectId = subjectEmail();
      const res = await recordConsent(t.http, rw, {
        subjectId,
        purpose: marketing,
        granted: true,
        source: 'web',
        policyVersion: '2026-10',
        evidence: { noticeHash: 'sha256:abc', uiLocation: 'signup/step-2' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        receiptId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        subjectId,
        purpose: marketing,
        granted: true,
        purposeVersion: 1,
        recordedAt: expect.stringMatching(/Z$/),
      });
      expect(await check(t.http, readOnly, subjectId, marketing)).toEqual({
        allowed: true,
        reason: 'granted',
      });
    });

    it('applies the contract rule for consent purposes: none, withdrawn, granted', async () => {
      const subjectId = subjectEmail();
      expect(await check(t.http, rw, subjectId, marketing)).toEqual({
        allowed: false,
        reason: 'no_consent',
      });
      await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: true }).then((r) =>
        expect(r.status).toBe(201),
      );
      await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: false }).then((r) =>
        expect(r.status).toBe(201),
      );
      expect(await check(t.http, rw, subjectId, marketing)).toEqual({
        allowed: false,
        reason: 'withdrawn',
      });
    });

    it('does not allow an expired grant', async () => {
      const subjectId = subjectEmail();
      const soon = new Date(Date.now() + 1200).toISOString();
      await recordConsent(t.http, rw, {
        subjectId,
        purpose: marketing,
        granted: true,
        expiresAt: soon,
      });
      expect((await check(t.http, rw, subjectId, marketing)).allowed).toBe(true);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await check(t.http, rw, subjectId, marketing)).toEqual({
        allowed: false,
        reason: 'expired',
      });
      const state = await request(t.http)
        .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents`)
        .set(auth(rw))
        .expect(200);
      expect(state.body.items[0].expiresAt).toBe(soon);
    });

    it('allows other legal bases unless the subject objected', async () => {
      const subjectId = subjectEmail();
      expect(await check(t.http, rw, subjectId, analytics)).toEqual({
        allowed: true,
        reason: 'legal_basis',
      });
      await recordConsent(t.http, rw, { subjectId, purpose: analytics, granted: false });
      expect(await check(t.http, rw, subjectId, analytics)).toEqual({
        allowed: false,
        reason: 'objected',
      });
    });

    it('makes an earlier consent not current once the purpose has a new version', async () => {
      const key = (
        await createPurpose(t.http, admin, { key: purposeKey('vc'), legalBasis: 'consent' })
      ).key;
      const subjectId = subjectEmail();
      await recordConsent(t.http, rw, { subjectId, purpose: key, granted: true });
      const path = `/v1/subjects/${encodeURIComponent(subjectId)}/consents`;
      const before = await request(t.http).get(path).set(auth(readOnly)).expect(200);
      expect(before.body.items).toEqual([
        expect.objectContaining({ purpose: key, granted: true, purposeVersion: 1, current: true }),
      ]);
      await request(t.http)
        .put(`/v1/purposes/${key}`)
        .set(auth(admin))
        .send({ name: 'v2', description: 'new text', legalBasis: 'consent' })
        .expect(200);
      const after = await request(t.http).get(path).set(auth(readOnly)).expect(200);
      expect(after.body.items[0]).toMatchObject({ purposeVersion: 1, current: false });
      expect(await check(t.http, rw, subjectId, key)).toEqual({
        allowed: false,
        reason: 'reconsent_required',
      });
      const again = await recordConsent(t.http, rw, { subjectId, purpose: key, granted: true });
      expect(again.body.purposeVersion).toBe(2);
      expect(await check(t.http, rw, subjectId, key)).toEqual({ allowed: true, reason: 'granted' });
    });

    it('checks a batch of purposes', async () => {
      const subjectId = subjectEmail();
      await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: true });
      const res = await request(t.http)
        .post('/v1/consents/check')
        .set(auth(readOnly))
        .send({ subjectId, purposes: [marketing, analytics] })
        .expect(200);
      expect(res.body).toEqual({
        results: [
          { purpose: marketing, allowed: true, reason: 'granted' },
          { purpose: analytics, allowed: true, reason: 'legal_basis' },
        ],
      });
      await request(t.http)
        .post('/v1/consents/check')
        .set(auth(readOnly))
        .send({ subjectId, purposes: [marketing, purposeKey('unknown')] })
        .expect(422);
      await request(t.http)
        .post('/v1/consents/check')
        .set(auth(readOnly))
        .send({ subjectId, purposes: [] })
        .expect(400);
    });

    it('answers bad input with problem+json: unknown purpose, bad dates, long subjectId', async () => {
      const subjectId = subjectEmail();
      const unknown = await recordConsent(t.http, rw, {
        subjectId,
        purpose: purposeKey('ghost'),
        granted: true,
      });
      expect(unknown.status).toBe(422);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
      for (const expiresAt of ['tomorrow', '2026-13-45T00:00:00Z', '2026-11-23 10:00']) {
        const bad = await recordConsent(t.http, rw, {
          subjectId,
          purpose: marketing,
          granted: true,
          expiresAt,
        });
        expect(bad.status).toBe(400);
      }
      const long = 'a'.repeat(257);
      const tooLong = await recordConsent(t.http, rw, {
        subjectId: long,
        purpose: marketing,
        granted: true,
      });
      expect(tooLong.status).toBe(400);
      expect(JSON.stringify(tooLong.body)).not.toContain(long);
      await request(t.http)
        .get('/v1/consents/check')
        .query({ subjectId: long, purpose: marketing })
        .set(auth(rw))
        .expect(400);
      await request(t.http).get(`/v1/subjects/${long}/consents`).set(auth(rw)).expect(400);
      // A blank subject id is refused wherever one is taken.
      expect(
        (await recordConsent(t.http, rw, { subjectId: '   ', purpose: marketing, granted: true }))
          .status,
      ).toBe(400);
      await request(t.http)
        .get('/v1/consents/check')
        .query({ subjectId: ' ', purpose: marketing })
        .set(auth(rw))
        .expect(400);
      await request(t.http)
        .post('/v1/consents/check')
        .send({ subjectId: ' ', purposes: [marketing] })
        .set(auth(rw))
        .expect(400);
      const missing = await request(t.http)
        .get('/v1/consents/check')
        .query({ subjectId, purpose: purposeKey('ghost') })
        .set(auth(rw))
        .expect(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(missing.body)).not.toContain(subjectId);
      await request(t.http)
        .get('/v1/consents/check')
        .query({ purpose: marketing })
        .set(auth(rw))
        .expect(400);
      await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: 'yes' }).then((r) =>
        expect(r.status).toBe(400),
      );
      await recordConsent(t.http, rw, {
        subjectId,
        purpose: marketing,
        granted: true,
        source: 'gpc',
      }).then((r) => expect(r.status).toBe(400));
    });

    it('enforces scopes: consent:write to record, consent:read to read', async () => {
      const subjectId = subjectEmail();
      expect(
        (await recordConsent(t.http, readOnly, { subjectId, purpose: marketing, granted: true }))
          .status,
      ).toBe(403);
      expect(
        (await recordConsent(t.http, writeOnly, { subjectId, purpose: marketing, granted: true }))
          .status,
      ).toBe(201);
      await request(t.http)
        .get('/v1/consents/check')
        .query({ subjectId, purpose: marketing })
        .set(auth(writeOnly))
        .expect(403);
      await request(t.http)
        .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents/history`)
        .set(auth(other))
        .expect(403);
      await request(t.http)
        .get('/v1/consents/check')
        .query({ subjectId, purpose: marketing })
        .expect(401);
    });

    it('keeps every event in the history, oldest first, with source, evidence and request id', async () => {
      const subjectId = subjectEmail();
      const first = await recordConsent(
        t.http,
        rw,
        {
          subjectId,
          purpose: marketing,
          granted: true,
          source: 'mobile',
          evidence: { method: 'toggle' },
        },
        { 'X-Request-Id': 'req-consent-1' },
      );
      await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: false });
      await recordConsent(t.http, rw, { subjectId, purpose: analytics, granted: false });
      const path = `/v1/subjects/${encodeURIComponent(subjectId)}/consents/history`;
      const page1 = await request(t.http).get(`${path}?limit=2`).set(auth(readOnly)).expect(200);
      expect(page1.body.items).toHaveLength(2);
      expect(page1.body.items[0]).toMatchObject({
        receiptId: first.body.receiptId,
        purpose: marketing,
        granted: true,
        source: 'mobile',
        purposeVersion: 1,
        evidence: { method: 'toggle' },
        requestId: 'req-consent-1',
      });
      expect(page1.body.items[1]).toMatchObject({ granted: false, source: 'api' });
      expect(page1.body.items[0].sequence).toBeLessThan(page1.body.items[1].sequence);
      const page2 = await request(t.http)
        .get(`${path}?limit=2&cursor=${page1.body.nextCursor as string}`)
        .set(auth(readOnly))
        .expect(200);
      expect(page2.body.items).toEqual([expect.objectContaining({ purpose: analytics })]);
      expect(page2.body.nextCursor).toBeNull();
    });

    it('stores subject ids only encrypted, keeps the ledger append-only, audits without PII', async () => {
      const subjectId = subjectEmail('secret-person');
      const res = await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: true });
      const ds = t.app.get(DataSource);
      const rows = await ds.query<Array<Record<string, unknown>>>(
        'SELECT * FROM consent_events WHERE id = $1',
        [res.body.receiptId],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0])).not.toContain(subjectId);
      expect(JSON.stringify(rows[0]).toLowerCase()).not.toContain('secret-person');
      await expect(
        ds.query('UPDATE consent_events SET granted = false WHERE id = $1', [res.body.receiptId]),
      ).rejects.toThrow(/append-only/);
      await expect(
        ds.query('DELETE FROM consent_events WHERE id = $1', [res.body.receiptId]),
      ).rejects.toThrow(/append-only/);
      const audit = await ds.query<Array<{ action: string; details: unknown }>>(
        'SELECT action, details FROM audit_events WHERE target_id = $1',
        [res.body.receiptId],
      );
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'consent.record',
          details: expect.objectContaining({ purpose: marketing, granted: true }),
        }),
      ]);
      expect(JSON.stringify(audit)).not.toContain('secret-person');
      const purposeAudit = await ds.query<Array<{ action: string }>>(
        "SELECT action FROM audit_events WHERE target_type = 'purpose' AND target_id = $1",
        [marketing],
      );
      expect(purposeAudit.map((a) => a.action)).toContain('consent.purpose.create');
    });

    it('finds a subject again whatever the case or surrounding spaces of the identifier', async () => {
      const subjectId = subjectEmail('Mixed.Case');
      await recordConsent(t.http, rw, { subjectId, purpose: marketing, granted: true });
      expect((await check(t.http, rw, `  ${subjectId.toUpperCase()} `, marketing)).allowed).toBe(
        true,
      );
    });
  });

  describe('Global Privacy Control', () => {
    let sale: string;
    let ads: string;
    let plain: string;

    beforeAll(async () => {
      sale = (
        await createPurpose(t.http, admin, {
          key: purposeKey('sale'),
          legalBasis: 'legitimate_interests',
          optOutCategory: 'sale',
        })
      ).key;
      ads = (
        await createPurpose(t.http, admin, {
          key: purposeKey('ads'),
          legalBasis: 'consent',
          optOutCategory: 'targeted_advertising',
        })
      ).key;
      plain = (
        await createPurpose(t.http, admin, { key: purposeKey('plain'), legalBasis: 'consent' })
      ).key;
    });

    it('records opt-outs with source gpc for every opt-out purpose when Sec-GPC: 1 is sent', async () => {
      const subjectId = subjectEmail();
      const res = await recordConsent(
        t.http,
        rw,
        { subjectId, purpose: plain, granted: true },
        { 'Sec-GPC': '1' },
      );
      expect(res.status).toBe(201);
      const optedOut = (res.body.gpcOptOuts as Array<{ purpose: string }>).map((o) => o.purpose);
      expect(optedOut).toEqual(expect.arrayContaining([sale, ads]));
      expect(optedOut).not.toContain(plain);
      const history = await request(t.http)
        .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents/history?limit=500`)
        .set(auth(rw))
        .expect(200);
      const gpcEvents = (
        history.body.items as Array<{ purpose: string; source: string; granted: boolean }>
      ).filter((e) => e.source === 'gpc');
      expect(gpcEvents).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ purpose: sale, granted: false }),
          expect.objectContaining({ purpose: ads, granted: false }),
        ]),
      );
      expect(await check(t.http, rw, subjectId, sale)).toEqual({
        allowed: false,
        reason: 'gpc_opt_out',
      });
      expect(await check(t.http, rw, subjectId, plain)).toEqual({
        allowed: true,
        reason: 'granted',
      });
    });

    it('stores a later explicit grant but keeps honouring GPC while the signal is present', async () => {
      const subjectId = subjectEmail();
      await recordConsent(
        t.http,
        rw,
        { subjectId, purpose: plain, granted: true },
        { 'Sec-GPC': '1' },
      );
      const grant = await recordConsent(
        t.http,
        rw,
        { subjectId, purpose: ads, granted: true },
        { 'Sec-GPC': '1' },
      );
      expect(grant.status).toBe(201);
      expect(grant.body.granted).toBe(true);
      expect(await check(t.http, rw, subjectId, ads)).toEqual({
        allowed: false,
        reason: 'gpc_opt_out',
      });
      const state = await request(t.http)
        .get(`/v1/subjects/${encodeURIComponent(subjectId)}/consents`)
        .set(auth(rw))
        .expect(200);
      expect(state.body.gpc).toBe(true);
      expect(state.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            purpose: ads,
            granted: true,
            gpcOptOut: true,
            gpcConflict: true,
          }),
        ]),
      );
      // A write without the signal: the explicit grant now counts.
      await recordConsent(t.http, rw, { subjectId, purpose: plain, granted: true });
      expect(await check(t.http, rw, subjectId, ads)).toEqual({ allowed: true, reason: 'granted' });
      expect(await check(t.http, rw, subjectId, sale)).toEqual({
        allowed: false,
        reason: 'opted_out',
      });
    });
  });

  describe('receipts', () => {
    let key: string;
    beforeAll(async () => {
      key = (await createPurpose(t.http, admin, { key: purposeKey('rcpt'), legalBasis: 'consent' }))
        .key;
    });

    const jwks = async (): Promise<JSONWebKeySet> =>
      (await request(t.http).get('/v1/.well-known/jwks.json').expect(200)).body as JSONWebKeySet;

    it('signs a receipt that verifies against the public JWKS and fails when altered', async () => {
      const subjectId = subjectEmail();
      const rec = await recordConsent(t.http, rw, { subjectId, purpose: key, granted: true });
      const res = await request(t.http)
        .get(`/v1/consents/receipts/${rec.body.receiptId as string}`)
        .set(auth(readOnly))
        .expect(200);
      const jws = res.body.receipt as string;
      expect(jws.split('.')).toHaveLength(3);
      const keys = createLocalJWKSet(await jwks());
      const { payload, protectedHeader } = await jwtVerify(jws, keys, { algorithms: ['ES256'] });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({
        jti: rec.body.receiptId,
        purpose: key,
        purposeVersion: 1,
        decision: 'granted',
        iss: t.config.publicBaseUrl,
        recordedAt: rec.body.recordedAt,
      });
      expect(typeof payload.sub).toBe('string');
      expect(payload.sub).not.toContain(subjectId.split('@')[0]);
      expect(JSON.stringify(payload)).not.toContain(subjectId);

      const [h, p, s] = jws.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const altered = Buffer.from(JSON.stringify({ ...claims, decision: 'withdrawn' })).toString(
        'base64url',
      );
      await expect(jwtVerify(`${h}.${altered}.${s}`, keys)).rejects.toThrow();
      const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
      await expect(jwtVerify(`${h}.${p}.${flipped}`, keys)).rejects.toThrow();
    });

    it('keeps old keys in the JWKS after rotation, so earlier receipts still verify', async () => {
      const subjectId = subjectEmail();
      const before = await recordConsent(t.http, rw, { subjectId, purpose: key, granted: true });
      const oldJws = (
        await request(t.http)
          .get(`/v1/consents/receipts/${before.body.receiptId as string}`)
          .set(auth(rw))
      ).body.receipt as string;
      await request(t.http)
        .post('/v1/admin/consent/signing-keys/rotate')
        .set(auth(dpo))
        .expect(403);
      const rotated = await request(t.http)
        .post('/v1/admin/consent/signing-keys/rotate')
        .set(auth(admin))
        .expect(201);
      const after = await recordConsent(t.http, rw, { subjectId, purpose: key, granted: false });
      const newJws = (
        await request(t.http)
          .get(`/v1/consents/receipts/${after.body.receiptId as string}`)
          .set(auth(rw))
      ).body.receipt as string;
      expect(decodeProtectedHeader(newJws).kid).toBe(rotated.body.kid);
      expect(decodeProtectedHeader(oldJws).kid).not.toBe(rotated.body.kid);
      const set = await jwks();
      expect(set.keys.map((k) => k.kid)).toEqual(
        expect.arrayContaining([rotated.body.kid, decodeProtectedHeader(oldJws).kid]),
      );
      expect(set.keys.every((k) => !('d' in k))).toBe(true);
      const keys = createLocalJWKSet(set);
      await expect(jwtVerify(oldJws, keys)).resolves.toBeDefined();
      const { payload } = await jwtVerify(newJws, keys);
      expect(payload.decision).toBe('withdrawn');
      const stored = await t.app
        .get(DataSource)
        .query<Array<{ private_jwk_enc: string }>>(
          'SELECT private_jwk_enc FROM consent_signing_keys',
        );
      expect(stored.every((r) => !r.private_jwk_enc.includes('"d"'))).toBe(true);
    });

    it('answers an unknown receipt with 404 and a malformed id with 400', async () => {
      await request(t.http)
        .get('/v1/consents/receipts/3f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55')
        .set(auth(rw))
        .expect(404);
      await request(t.http).get('/v1/consents/receipts/not-a-uuid').set(auth(rw)).expect(400);
    });
  });

  it('documents every consent endpoint in OpenAPI with examples', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const path of [
      '/v1/purposes',
      '/v1/purposes/{key}',
      '/v1/consents',
      '/v1/consents/check',
      '/v1/consents/receipts/{receiptId}',
      '/v1/subjects/{subjectId}/consents',
      '/v1/subjects/{subjectId}/consents/history',
      '/v1/.well-known/jwks.json',
      '/v1/admin/webhooks',
      '/v1/admin/webhooks/{id}',
      '/v1/auth/whoami',
    ]) {
      expect(doc.paths[path]).toBeDefined();
    }
  });
});
