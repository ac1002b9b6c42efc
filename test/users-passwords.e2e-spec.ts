import request from 'supertest';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { adminToken, createTestApp, login, TestApp } from './support/test-app';

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const STRONG = 'Grüße aus Köln, Ærøskøbing 2026';

// Many scrypt hashes per test (logins, changes) on a shared machine.
jest.setTimeout(180_000);

describe('users and passwords', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
  });
  afterAll(() => t.close());

  describe('listing users', () => {
    it('pages through users with a cursor, showing roles, state and second factor only', async () => {
      const a = await createUser(t.http, admin, ['dpo']);
      const b = await createUser(t.http, admin, ['auditor']);
      const seen = new Map<string, Record<string, unknown>>();
      let cursor: string | null = null;
      do {
        const res = await request(t.http)
          .get('/v1/admin/users')
          .query(cursor ? { limit: 2, cursor } : { limit: 2 })
          .set(...bearer(admin))
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        for (const item of res.body.items as Array<Record<string, unknown>>) {
          expect(seen.has(item.id as string)).toBe(false);
          seen.set(item.id as string, item);
        }
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      expect(seen.get(a.id)).toEqual({
        id: a.id,
        email: a.email,
        roles: ['dpo'],
        disabled: false,
        secondFactor: false,
        createdAt: expect.stringMatching(/Z$/),
      });
      expect(seen.get(b.id)).toMatchObject({ roles: ['auditor'] });
    });

    it('is for admins only (403 for a dpo)', async () => {
      const dpo = await createUser(t.http, admin, ['dpo']);
      await request(t.http)
        .get('/v1/admin/users')
        .set(...bearer(dpo.token))
        .expect(403);
    });

    it('refuses a cursor it did not issue (400)', async () => {
      await request(t.http)
        .get('/v1/admin/users?cursor=bm90LWEtY3Vyc29y')
        .set(...bearer(admin))
        .expect(400);
    });
  });

  describe('password policy on new users', () => {
    it.each([
      ['too short', 'Kx9!mQ2#vLp', 'password-too-short'],
      ['common and breached', 'password1234', 'password-common'],
      ['too weak', 'aaaaaaaaaaaa', 'password-too-weak'],
    ])('refuses a %s password with a 422 naming the rule', async (_, password, rule) => {
      const res = await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({ email: uniqueEmail(), password, roles: ['dpo'] })
        .expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(new RegExp(`${rule}$`));
      expect(res.body.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
      expect(JSON.stringify(res.body)).not.toContain(password);
    });

    it("refuses the user's own e-mail address as the password", async () => {
      const email = uniqueEmail('someone');
      const res = await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({ email, password: `${email}!`, roles: ['dpo'] })
        .expect(422);
      expect(res.body.type).toMatch(/password-contains-email$/);
      expect(JSON.stringify(res.body)).not.toContain(email);
    });

    it('creates nobody when the password is refused', async () => {
      const email = uniqueEmail('refused');
      await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({ email, password: 'aaaaaaaaaaaa', roles: ['dpo'] })
        .expect(422);
      await request(t.http)
        .post('/v1/admin/users')
        .set(...bearer(admin))
        .send({ email, password: STRONG, roles: ['dpo'] })
        .expect(201);
    });
  });

  describe('changing one’s own password', () => {
    it('needs the current password, then ends the other sessions and keeps this one', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const other = await login(t.http, user.email, user.password);
      await request(t.http)
        .post('/v1/auth/password')
        .set(...bearer(user.token))
        .send({ currentPassword: 'not the password at all', newPassword: STRONG })
        .expect(422)
        .expect((res) => expect(res.body.type).toMatch(/wrong-password$/));
      await request(t.http)
        .post('/v1/auth/password')
        .set(...bearer(user.token))
        .send({ currentPassword: user.password, newPassword: STRONG })
        .expect(204);
      await request(t.http)
        .get('/v1/auth/whoami')
        .set(...bearer(other))
        .expect(401);
      await request(t.http)
        .get('/v1/auth/whoami')
        .set(...bearer(user.token))
        .expect(200);
      await request(t.http)
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      await login(t.http, user.email, STRONG);
    });

    it('applies the policy to the new password and keeps the old one on refusal', async () => {
      const user = await createUser(t.http, admin, ['auditor']);
      const res = await request(t.http)
        .post('/v1/auth/password')
        .set(...bearer(user.token))
        .send({ currentPassword: user.password, newPassword: 'qwerty123456' })
        .expect(422);
      expect(res.body.type).toMatch(/password-common$/);
      expect(res.body.errors).toEqual([{ field: 'newPassword', message: expect.any(String) }]);
      await login(t.http, user.email, user.password);
    });

    it('is for admin users only (403 for an API key)', async () => {
      const key = await createApiKey(t.http, admin, ['consent:read']);
      await request(t.http)
        .post('/v1/auth/password')
        .set(...bearer(key.key))
        .send({ currentPassword: 'whatever it is', newPassword: STRONG })
        .expect(403);
    });
  });

  describe('admin-initiated reset', () => {
    it('stops the old password and every session, then sets a new one with a single-use token', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const res = await request(t.http)
        .post(`/v1/admin/users/${user.id}/password-reset`)
        .set(...bearer(admin))
        .expect(200);
      const { resetToken, expiresAt } = res.body as { resetToken: string; expiresAt: string };
      expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
      await request(t.http)
        .get('/v1/auth/whoami')
        .set(...bearer(user.token))
        .expect(401);
      await request(t.http)
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      // A refused password leaves the token usable.
      await request(t.http)
        .post('/v1/auth/password/reset')
        .send({ resetToken, newPassword: 'aaaaaaaaaaaa' })
        .expect(422);
      await request(t.http)
        .post('/v1/auth/password/reset')
        .send({ resetToken, newPassword: STRONG })
        .expect(204);
      await login(t.http, user.email, STRONG);
      await request(t.http)
        .post('/v1/auth/password/reset')
        .send({ resetToken, newPassword: `${STRONG} again` })
        .expect(401);
    });

    it('refuses a made-up token (401) and an unknown user (404)', async () => {
      await request(t.http)
        .post('/v1/auth/password/reset')
        .send({
          resetToken:
            '6f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55.q2Zl0w3n4d5Y6x7c8v9b0n1m2a3s4d5f6g7h8j9k0lQ',
          newPassword: STRONG,
        })
        .expect(401);
      await request(t.http)
        .post('/v1/admin/users/6f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55/password-reset')
        .set(...bearer(admin))
        .expect(404);
    });

    it('is for admins only (403 for a dpo)', async () => {
      const dpo = await createUser(t.http, admin, ['dpo']);
      await request(t.http)
        .post(`/v1/admin/users/${dpo.id}/password-reset`)
        .set(...bearer(dpo.token))
        .expect(403);
    });
  });
});
