import Redis from 'ioredis';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { SessionEvents, SessionOpened } from 'src/auth/sessions/session-events';
import { REDIS } from 'src/queue/redis.module';
import { createUser } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0';
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Safari/604.1';

interface Tokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

async function loginAs(http: App, email: string, password: string, ua = FIREFOX): Promise<Tokens> {
  const res = await request(http)
    .post('/v1/auth/login')
    .set('User-Agent', ua)
    .send({ email, password })
    .expect(200);
  return res.body as Tokens;
}

const sessionIdOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

describe('sessions and devices', () => {
  let t: TestApp;
  let admin: string;
  let db: DataSource;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    db = t.app.get(DataSource);
    redis = t.app.get<Redis>(REDIS);
  });
  afterAll(() => t.close());

  const whoami = (token: string) =>
    request(t.http)
      .get('/v1/auth/whoami')
      .set(...bearer(token));

  describe('listing', () => {
    it("lists the caller's sessions with device, times and which one is current", async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const first = await loginAs(t.http, user.email, user.password, FIREFOX);
      const second = await loginAs(t.http, user.email, user.password, SAFARI);
      const res = await request(t.http)
        .get('/v1/auth/sessions')
        .set(...bearer(second.accessToken))
        .expect(200);
      const items = res.body.items as Array<Record<string, unknown>>;
      const byId = new Map(items.map((i) => [i.id, i]));
      expect(byId.get(sessionIdOf(first.accessToken))).toMatchObject({
        userAgent: FIREFOX,
        current: false,
        address: '127.0.0.0/24',
      });
      expect(byId.get(sessionIdOf(second.accessToken))).toEqual({
        id: sessionIdOf(second.accessToken),
        createdAt: expect.stringMatching(/Z$/),
        lastSeenAt: expect.stringMatching(/Z$/),
        expiresAt: expect.stringMatching(/Z$/),
        userAgent: SAFARI,
        address: '127.0.0.0/24',
        method: 'password',
        current: true,
      });
      expect(res.body.nextCursor).toBeNull();
    });

    it('refuses API keys (403): only admin users have sessions', async () => {
      const key = await request(t.http)
        .post('/v1/admin/api-keys')
        .set(...bearer(admin))
        .send({ name: 'sessions-test', scopes: ['consent:read'] })
        .expect(201);
      await request(t.http)
        .get('/v1/auth/sessions')
        .set(...bearer(key.body.key as string))
        .expect(403);
    });
  });

  describe('ending sessions', () => {
    it("ends one of the caller's sessions; its token stops working at once", async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const other = await loginAs(t.http, user.email, user.password);
      await whoami(other.accessToken).expect(200);
      await request(t.http)
        .delete(`/v1/auth/sessions/${sessionIdOf(other.accessToken)}`)
        .set(...bearer(user.token))
        .expect(204);
      await whoami(other.accessToken).expect(401);
      await whoami(user.token).expect(200);
    });

    it("answers 404 for another user's session and leaves it open", async () => {
      const alice = await createUser(t.http, admin, ['dpo']);
      const bob = await createUser(t.http, admin, ['dpo']);
      const res = await request(t.http)
        .delete(`/v1/auth/sessions/${sessionIdOf(bob.token)}`)
        .set(...bearer(alice.token))
        .expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await whoami(bob.token).expect(200);
    });

    it('ends every other session of the caller and keeps the current one', async () => {
      const user = await createUser(t.http, admin, ['auditor']);
      const a = await loginAs(t.http, user.email, user.password);
      const b = await loginAs(t.http, user.email, user.password, SAFARI);
      await request(t.http)
        .post('/v1/auth/sessions/revoke-others')
        .set(...bearer(a.accessToken))
        .expect(204);
      await whoami(b.accessToken).expect(401);
      await whoami(user.token).expect(401);
      await whoami(a.accessToken).expect(200);
      await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: b.refreshToken })
        .expect(401);
    });

    it("lets an admin end all of a user's sessions", async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const second = await loginAs(t.http, user.email, user.password);
      await request(t.http)
        .delete(`/v1/admin/users/${user.id}/sessions`)
        .set(...bearer(admin))
        .expect(204);
      await whoami(user.token).expect(401);
      await whoami(second.accessToken).expect(401);
      await loginAs(t.http, user.email, user.password);
    });

    it("refuses to end a user's sessions to anyone but an admin (403), and knows no stranger (404)", async () => {
      const dpo = await createUser(t.http, admin, ['dpo']);
      await request(t.http)
        .delete(`/v1/admin/users/${dpo.id}/sessions`)
        .set(...bearer(dpo.token))
        .expect(403);
      await request(t.http)
        .delete('/v1/admin/users/6f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55/sessions')
        .set(...bearer(admin))
        .expect(404);
    });
  });

  describe('changes apply to the very next request', () => {
    it('takes a role away from a live token at once, and gives one at once', async () => {
      const user = await createUser(t.http, admin, ['auditor']);
      const audit = () =>
        request(t.http)
          .get('/v1/audit/events?limit=1')
          .set(...bearer(user.token));
      await audit().expect(200);
      const res = await request(t.http)
        .patch(`/v1/admin/users/${user.id}`)
        .set(...bearer(admin))
        .send({ roles: ['dpo'] })
        .expect(200);
      expect(res.body).toMatchObject({ id: user.id, roles: ['dpo'], disabled: false });
      await audit().expect(403);
      await request(t.http)
        .patch(`/v1/admin/users/${user.id}`)
        .set(...bearer(admin))
        .send({ roles: ['auditor', 'dpo'] })
        .expect(200);
      await audit().expect(200);
    });

    it('shuts a disabled user out at once: tokens, refresh and login, until enabled again', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const tokens = await loginAs(t.http, user.email, user.password);
      await request(t.http)
        .patch(`/v1/admin/users/${user.id}`)
        .set(...bearer(admin))
        .send({ disabled: true })
        .expect(200);
      await whoami(tokens.accessToken).expect(401);
      await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: tokens.refreshToken })
        .expect(401);
      await request(t.http)
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(401);
      await request(t.http)
        .patch(`/v1/admin/users/${user.id}`)
        .set(...bearer(admin))
        .send({ disabled: false })
        .expect(200);
      // Disabling ended the sessions; enabling opens none.
      await whoami(tokens.accessToken).expect(401);
      const again = await loginAs(t.http, user.email, user.password);
      await whoami(again.accessToken).expect(200);
    });

    it('refuses unknown fields (400) and unknown users (404)', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      await request(t.http)
        .patch(`/v1/admin/users/${user.id}`)
        .set(...bearer(admin))
        .send({ roles: ['dpo'], email: 'new@example.test' })
        .expect(400);
      await request(t.http)
        .patch('/v1/admin/users/6f1c2a9e-6b1d-4c1e-9f7a-2d4b8e6c0a55')
        .set(...bearer(admin))
        .send({ disabled: true })
        .expect(404);
    });
  });

  describe('sliding sessions', () => {
    it('trades a refresh token once for new tokens of the same session', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const tokens = await loginAs(t.http, user.email, user.password);
      const res = await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: tokens.refreshToken })
        .expect(200);
      const renewed = res.body as Tokens;
      expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
      expect(sessionIdOf(renewed.accessToken)).toBe(sessionIdOf(tokens.accessToken));
      await whoami(renewed.accessToken).expect(200);
      await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: tokens.refreshToken })
        .expect(401);
      await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: renewed.refreshToken })
        .expect(200);
    });

    it('refuses a made-up refresh token with 401 problem+json', async () => {
      const res = await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: 'not-a-refresh-token' })
        .expect(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('ends a session left idle past SESSION_IDLE_TIMEOUT, whatever its token says', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const tokens = await loginAs(t.http, user.email, user.password);
      const sid = sessionIdOf(tokens.accessToken);
      await whoami(tokens.accessToken).expect(200);
      await idle(sid, 31 * 60);
      await whoami(tokens.accessToken).expect(401);
      await request(t.http)
        .post('/v1/auth/refresh')
        .send({ refreshToken: tokens.refreshToken })
        .expect(401);
      const [row] = await db.query<Array<{ revoked_reason: string }>>(
        `SELECT revoked_reason FROM auth_sessions WHERE id = $1`,
        [sid],
      );
      expect(row.revoked_reason).toBe('idle');
    });

    it('keeps a session used within SESSION_IDLE_TIMEOUT open', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const sid = sessionIdOf(user.token);
      await idle(sid, 29 * 60);
      await whoami(user.token).expect(200);
      // That use moved last use forward: the session is no longer 29 minutes idle.
      const [row] = await db.query<Array<{ idle: number }>>(
        `SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM auth_sessions WHERE id = $1`,
        [sid],
      );
      expect(row.idle).toBeLessThan(60);
    });

    it('ends a session at SESSION_MAX_AGE however busy', async () => {
      const user = await createUser(t.http, admin, ['dpo']);
      const sid = sessionIdOf(user.token);
      await db.query(
        `UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [sid],
      );
      await redis.del(`${t.config.redis.prefix}:session:${sid}`);
      await whoami(user.token).expect(401);
    });

    /** Ages a session's last use by `seconds`, in PostgreSQL and in the session cache. */
    async function idle(sid: string, seconds: number): Promise<void> {
      await db.query(
        `UPDATE auth_sessions SET last_seen_at = now() - make_interval(secs => $2) WHERE id = $1`,
        [sid, seconds],
      );
      const key = `${t.config.redis.prefix}:session:${sid}`;
      const cached = await redis.get(key);
      if (cached) {
        const snapshot = JSON.parse(cached) as { lastSeenAt: number };
        snapshot.lastSeenAt = Date.now() - seconds * 1000;
        await redis.set(key, JSON.stringify(snapshot), 'KEEPTTL');
      }
    }
  });

  describe('login facts', () => {
    it('publishes each session opened, telling a new device from a known one', async () => {
      const seen: SessionOpened[] = [];
      t.app.get(SessionEvents).subscribe((e) => {
        seen.push(e);
      });
      const user = await createUser(t.http, admin, ['dpo']);
      const second = await loginAs(t.http, user.email, user.password, SAFARI);
      await loginAs(t.http, user.email, user.password, SAFARI);
      const mine = seen.filter((e) => e.userId === user.id);
      expect(mine.map((e) => e.newDevice)).toEqual([true, true, false]);
      expect(mine[1]).toEqual({
        userId: user.id,
        sessionId: sessionIdOf(second.accessToken),
        method: 'password',
        userAgent: SAFARI,
        address: '127.0.0.0/24',
        newDevice: true,
        at: expect.any(Date),
      });
    });
  });
});

describe('sessions on a database of their own', () => {
  let t: TestApp;
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  beforeAll(async () => {
    own = await ownDatabase('sessions');
    t = await createTestApp({ ...own.env, SESSION_MAX_AGE: '2m', SESSION_IDLE_TIMEOUT: '1m' });
  });
  afterAll(async () => {
    await t.close();
    await own.drop();
  });

  it('never hands out an access token that outlives its session', async () => {
    const res = await request(t.http)
      .post('/v1/auth/login')
      .send({
        email: process.env.BOOTSTRAP_ADMIN_EMAIL,
        password: process.env.BOOTSTRAP_ADMIN_PASSWORD,
      })
      .expect(200);
    expect(res.body.expiresIn).toBeLessThanOrEqual(120);
    expect(res.body.expiresIn).toBeGreaterThan(100);
  });

  it('never lets the last enabled admin lose the role or be disabled (422)', async () => {
    const admin = await adminToken(t.http);
    const [root] = await t.app
      .get(DataSource)
      .query<Array<{ id: string }>>(`SELECT id FROM admin_users WHERE email = $1`, [
        process.env.BOOTSTRAP_ADMIN_EMAIL,
      ]);
    const res = await request(t.http)
      .patch(`/v1/admin/users/${root.id}`)
      .set(...bearer(admin))
      .send({ roles: ['auditor'] })
      .expect(422);
    expect(res.body.type).toMatch(/last-admin$/);
    await request(t.http)
      .patch(`/v1/admin/users/${root.id}`)
      .set(...bearer(admin))
      .send({ disabled: true })
      .expect(422);
    // With a second admin, the first may step down.
    const second = await createUser(t.http, admin, ['admin']);
    await request(t.http)
      .patch(`/v1/admin/users/${root.id}`)
      .set(...bearer(second.token))
      .send({ roles: ['auditor'] })
      .expect(200);
  });
});
