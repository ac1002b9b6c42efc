import request from 'supertest';
import { createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
const boardCookieOf = (res: request.Response): string =>
  ([res.headers['set-cookie']].flat()[0] ?? '').split(';')[0];

describe('queue board in a browser: cookie, CSP and first-party page', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
  });

  afterAll(() => t.close());

  it('gives admins a cookie for the board only: HttpOnly, Secure, SameSite=Strict', async () => {
    const res = await request(t.http)
      .post('/v1/admin/queue-board/session')
      .set(...bearer(admin))
      .expect(204);
    const cookie = [res.headers['set-cookie']].flat()[0] ?? '';
    expect(cookie).toMatch(/^queue_board_session=[\w.-]+; Max-Age=\d+; /);
    expect(cookie).toContain('Path=/admin/queues; HttpOnly; Secure; SameSite=Strict');
    expect(Number(/Max-Age=(\d+)/.exec(cookie)?.[1])).toBeGreaterThan(0);
  });

  it('refuses the cookie to anonymous callers (401) and to users who are not admins (403)', async () => {
    await request(t.http).post('/v1/admin/queue-board/session').expect(401);
    const dpo = await createUser(t.http, admin, ['dpo']);
    await request(t.http)
      .post('/v1/admin/queue-board/session')
      .set(...bearer(dpo.token))
      .expect(403);
  });

  it('opens the board with the cookie, whose page loads nothing from other hosts under a CSP that lets its assets resolve', async () => {
    const session = await request(t.http)
      .post('/v1/admin/queue-board/session')
      .set(...bearer(admin))
      .expect(204);
    const page = await request(t.http)
      .get('/admin/queues/')
      .set('Cookie', boardCookieOf(session))
      .expect(200);
    expect(page.text).toContain('<base href="/admin/queues/"');
    expect(page.text).not.toMatch(/href="(https?:)?\/\//);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("font-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    await request(t.http)
      .get('/admin/queues/api/queues')
      .set('Cookie', boardCookieOf(session))
      .expect(200);
  });

  it("stops opening the board once the admin's session is revoked", async () => {
    const user = await createUser(t.http, admin, ['admin']);
    const session = await request(t.http)
      .post('/v1/admin/queue-board/session')
      .set(...bearer(user.token))
      .expect(204);
    await request(t.http)
      .post('/v1/auth/logout')
      .set(...bearer(user.token))
      .expect(204);
    await request(t.http)
      .get('/admin/queues/api/queues')
      .set('Cookie', boardCookieOf(session))
      .expect(401);
  });

  it('clears the cookie on request', async () => {
    const res = await request(t.http)
      .delete('/v1/admin/queue-board/session')
      .set(...bearer(admin))
      .expect(204);
    expect([res.headers['set-cookie']].flat()[0]).toMatch(/^queue_board_session=; Max-Age=0; /);
  });
});
