import { createHash } from 'node:crypto';
import { authenticator } from 'otplib';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { adminToken, BOOTSTRAP_ADMIN, createTestApp, login, TestApp } from './support/test-app';

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

describe('identity and access', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
  });
  afterAll(() => t.close());

  describe('login', () => {
    it('logs the bootstrap admin in with a short-lived access token', async () => {
      const res = await request(t.http).post('/v1/auth/login').send(BOOTSTRAP_ADMIN).expect(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: t.config.auth.accessTokenTtlSeconds,
        refreshToken: expect.any(String),
      });
    });

    it('answers a wrong password and an unknown user alike', async () => {
      const wrong = await request(t.http)
        .post('/v1/auth/login')
        .send({ email: BOOTSTRAP_ADMIN.email, password: 'not-the-password' })
        .expect(401);
      const unknown = await request(t.http)
        .post('/v1/auth/login')
        .send({ email: uniqueEmail('nobody'), password: 'not-the-password' })
        .expect(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
      expect(wrong.headers['content-type']).toContain('application/problem+json');
    });

    it('refuses requests without credentials (401) and with a garbage token (401)', async () => {
      await request(t.http).get('/v1/audit/events').expect(401);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer('not-a-token'))
        .expect(401);
    });

    it('revokes the session on logout, so the same token stops working', async () => {
      const token = await login(t.http, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(token))
        .expect(200);
      await request(t.http)
        .post('/v1/auth/logout')
        .set(...bearer(token))
        .expect(204);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(token))
        .expect(401);
    });
  });

  describe('roles', () => {
    it('lets an admin create users with roles, and refuses a duplicate e-mail with 409', async () => {
      const email = uniqueEmail('auditor');
      const res = await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({ email, password: 'a sufficiently long password', roles: ['auditor'] })
        .expect(201);
      expect(res.body).toEqual({ id: expect.any(String), email, roles: ['auditor'] });
      expect(res.body).not.toHaveProperty('passwordHash');
      await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({
          email: email.toUpperCase(),
          password: 'a sufficiently long password',
          roles: ['dpo'],
        })
        .expect(409);
    });

    it('gives 403 to a valid user without the role', async () => {
      const dpo = await createUser(t.http, admin, ['dpo']);
      await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(dpo.token))
        .send({ email: uniqueEmail(), password: 'a sufficiently long password', roles: ['admin'] })
        .expect(403);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(dpo.token))
        .expect(403);
      const auditor = await createUser(t.http, admin, ['auditor']);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(auditor.token))
        .expect(200);
    });

    it('rejects an unknown role with 400', async () => {
      await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({ email: uniqueEmail(), password: 'a sufficiently long password', roles: ['root'] })
        .expect(400);
    });
  });

  describe('API keys', () => {
    it('shows the key once, stores only a hash, and lists it without the key', async () => {
      const created = await createApiKey(t.http, admin, ['consent:read']);
      expect(created.key).toMatch(/^psk_[A-Za-z0-9_-]{43}$/);
      const list = await request(t.http)
        .get('/v1/admin/api-keys')
        .set(...bearer(admin))
        .expect(200);
      const listed = list.body.items.find((k: { id: string }) => k.id === created.id);
      expect(listed).toMatchObject({ scopes: ['consent:read'], revokedAt: null });
      expect(JSON.stringify(list.body)).not.toContain(created.key);
      const rows: Array<{ key_hash: string; prefix: string }> = await t.app
        .get(DataSource)
        .query('SELECT key_hash, prefix FROM api_keys WHERE id = $1', [created.id]);
      expect(rows[0].key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
      expect(created.key.startsWith(rows[0].prefix)).toBe(true);
      expect(rows[0].prefix.length).toBeLessThan(12);
    });

    it('gives 403 to a key without the needed scope or role', async () => {
      const key = await createApiKey(t.http, admin, ['dlp:scan']);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(key.key))
        .expect(403);
      await request(t.http)
        .post('/v1/admin/api-keys')
        .set(...bearer(key.key))
        .send({ name: 'x', scopes: ['dlp:scan'] })
        .expect(403);
    });

    it('stops a revoked key at once (401) and records its last use', async () => {
      const key = await createApiKey(t.http, admin, ['consent:read']);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(key.key))
        .expect(403);
      await request(t.http)
        .delete(`/v1/admin/api-keys/${key.id}`)
        .set(...bearer(admin))
        .expect(204);
      await request(t.http)
        .get('/v1/audit/events')
        .set(...bearer(key.key))
        .expect(401);
      const list = await request(t.http)
        .get('/v1/admin/api-keys')
        .set(...bearer(admin))
        .expect(200);
      const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
      expect(listed.revokedAt).not.toBeNull();
      expect(listed.lastUsedAt).not.toBeNull();
    });

    it('answers 404 for an unknown key id and 400 for a malformed one', async () => {
      await request(t.http)
        .delete('/v1/admin/api-keys/9f3c7a2e-1b4d-4e5f-8a9b-0c1d2e3f4a5b')
        .set(...bearer(admin))
        .expect(404);
      await request(t.http)
        .delete('/v1/admin/api-keys/not-a-uuid')
        .set(...bearer(admin))
        .expect(400);
    });
  });

  describe('TOTP MFA', () => {
    it('enrolls, confirms with backup codes, then requires and accepts a second factor', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const enroll = await request(t.http)
        .post('/v1/auth/mfa/totp/enroll')
        .set(...bearer(user.token))
        .expect(200);
      expect(enroll.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
      const secret: string = enroll.body.secret;
      await request(t.http)
        .post('/v1/auth/mfa/totp/confirm')
        .set(...bearer(user.token))
        .send({ code: '000000' })
        .expect(401);
      const confirm = await request(t.http)
        .post('/v1/auth/mfa/totp/confirm')
        .set(...bearer(user.token))
        .send({ code: authenticator.generate(secret) })
        .expect(200);
      const backupCodes: string[] = confirm.body.backupCodes;
      expect(backupCodes).toHaveLength(10);
      expect(new Set(backupCodes).size).toBe(10);

      const step = await request(t.http)
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200);
      expect(step.body).toEqual({
        mfaRequired: true,
        mfaToken: expect.any(String),
        mfaMethods: ['totp'],
      });
      expect(step.body).not.toHaveProperty('accessToken');

      await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: step.body.mfaToken, code: '123456' })
        .expect(401);
      // The confirm code's time step is spent: wait for the next code rather than replay it.
      const done = await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: step.body.mfaToken, code: backupCodes[0] })
        .expect(200);
      expect(done.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: expect.any(Number),
        refreshToken: expect.any(String),
      });
      await request(t.http)
        .get('/v1/auth/mfa/totp/enroll')
        .set(...bearer(done.body.accessToken))
        .expect(404);

      // An MFA token opens one session only, and a backup code works once.
      await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: step.body.mfaToken, code: backupCodes[1] })
        .expect(401);
      const again = await request(t.http)
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200);
      await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: again.body.mfaToken, code: backupCodes[0] })
        .expect(401);
      await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: again.body.mfaToken, code: backupCodes[1] })
        .expect(200);
    });

    it('rejects a forged MFA token', async () => {
      const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwidHlwIjoibWZhIn0.c2lnbmF0dXJl';
      await request(t.http)
        .post('/v1/auth/mfa/verify')
        .send({ mfaToken: forged, code: '123456' })
        .expect(401);
    });
  });

  describe('queue board', () => {
    it('is reachable by admin users only', async () => {
      await request(t.http).get('/admin/queues').expect(401);
      const dpo = await createUser(t.http, admin, ['dpo']);
      await request(t.http)
        .get('/admin/queues')
        .set(...bearer(dpo.token))
        .expect(403);
      const res = await request(t.http)
        .get('/admin/queues')
        .set(...bearer(admin))
        .expect(200);
      expect(res.text).toContain('<html');
      const api = await request(t.http)
        .get('/admin/queues/api/queues')
        .set(...bearer(admin))
        .expect(200);
      expect(JSON.stringify(api.body)).toContain('maintenance');
    });
  });
});
