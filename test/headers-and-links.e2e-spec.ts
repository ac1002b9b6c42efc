import { decodeJwt, SignJWT } from 'jose';
import { authenticator } from 'otplib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiKey, createUser } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, BOOTSTRAP_ADMIN, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(60000);

describe('response caching, token expiry and export links', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let admin: string;
  let key: string;

  beforeAll(async () => {
    own = await ownDatabase('headers_links');
    t = await createTestApp({
      ...own.env,
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'links-exports-')),
      EXPORT_LINK_MAX_DOWNLOADS: '1',
    });
    admin = await adminToken(t.http);
    key = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
  });

  /** A completed access request's download path (no store registered: it completes at once). */
  async function exportPath(): Promise<string> {
    const filed = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'access', subject: { email: 'zoë.links@example.com' } })
      .expect(201);
    for (let i = 0; i < 100; i++) {
      const link = await request(t.http)
        .get(`/v1/privacy-requests/${filed.body.id}/export`)
        .set('Authorization', `Bearer ${key}`);
      if (link.status === 200) {
        return new URL(link.body.url as string).pathname;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the access request did not complete');
  }

  describe('Cache-Control', () => {
    it('is no-store on answers carrying a token, a new API key or an error', async () => {
      const answers = [
        await request(t.http).post('/v1/auth/login').send(BOOTSTRAP_ADMIN).expect(200),
        await request(t.http)
          .post('/v1/admin/api-keys')
          .set('Authorization', `Bearer ${admin}`)
          .send({ name: 'cache-control', scopes: ['dlp:scan'] })
          .expect(201),
        await request(t.http).get('/v1/keys').expect(401),
        await request(t.http)
          .get('/v1/privacy-requests/0b7c3a52-4a4e-4b8a-9a57-5a0e2f1d3c11')
          .set('Authorization', `Bearer ${key}`)
          .expect(404),
        await request(t.http).get('/v1/no-such-route').expect(404),
      ];
      expect(answers.map((a) => a.headers['cache-control'])).toEqual(answers.map(() => 'no-store'));
    });

    it('is no-store on a token answer however the path is cased', async () => {
      const res = await request(t.http).post('/V1/Auth/LOGIN').send(BOOTSTRAP_ADMIN).expect(200);
      expect(res.body.accessToken).toEqual(expect.any(String));
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('leaves public keys and the docs cacheable', async () => {
      const jwks = await request(t.http).get('/v1/.well-known/jwks.json').expect(200);
      expect(jwks.headers['cache-control']).toBe('public, max-age=300');
      const docs = await request(t.http).get('/docs-json').expect(200);
      expect(docs.headers['cache-control']).not.toBe('no-store');
    });
  });

  describe('admin tokens', () => {
    const secret = () => t.config.auth.tokenSecret;
    const resign = async (token: string, withExp: boolean) => {
      const { exp, ...claims } = decodeJwt(token);
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
      return (withExp && exp ? jwt.setExpirationTime(exp) : jwt).sign(secret());
    };

    it('without exp are refused with 401, though signed and bound to a live session', async () => {
      const token = await adminToken(t.http);
      await request(t.http)
        .get('/v1/keys')
        .set('Authorization', `Bearer ${await resign(token, true)}`)
        .expect(200);
      const res = await request(t.http)
        .get('/v1/keys')
        .set('Authorization', `Bearer ${await resign(token, false)}`)
        .expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('MFA step tokens without exp are refused with 401, though the code is right', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const bearer = `Bearer ${user.token}`;
      const enroll = await request(t.http)
        .post('/v1/auth/mfa/totp/enroll')
        .set('Authorization', bearer)
        .expect(200);
      const confirm = await request(t.http)
        .post('/v1/auth/mfa/totp/confirm')
        .set('Authorization', bearer)
        .send({ code: authenticator.generate(enroll.body.secret as string) })
        .expect(200);
      const [code] = confirm.body.backupCodes as string[];
      const step = await request(t.http)
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200);
      const mfaToken = step.body.mfaToken as string;
      const refused = await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: await resign(mfaToken, false), code })
        .expect(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: await resign(mfaToken, true), code })
        .expect(200);
    });
  });

  describe('export links', () => {
    it.each([
      ['an extra segment', '.x'],
      ['an extra empty segment', '.'],
      ['trailing data', 'A'],
      ['a trailing newline', '%0A'],
    ])('with %s are unknown (404)', async (_, tail) => {
      const path = await exportPath();
      const res = await request(t.http).get(`${path}${tail}`).expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await request(t.http).get(path).expect(200);
    });

    it('download once under EXPORT_LINK_MAX_DOWNLOADS=1, then answer 404', async () => {
      const path = await exportPath();
      const first = await request(t.http).get(path).expect(200);
      expect(first.headers['content-type']).toBe('application/zip');
      expect(first.headers['cache-control']).toBe('no-store');
      const again = await request(t.http).get(path).expect(404);
      expect(again.headers['content-type']).toContain('application/problem+json');
    });

    it('let exactly one of many concurrent downloads through', async () => {
      const path = await exportPath();
      const answers = await Promise.all(Array.from({ length: 8 }, () => request(t.http).get(path)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
    });
  });
});
