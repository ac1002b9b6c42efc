import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createUser, uniqueEmail } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const CLIENT_ID = 'privacy-console';
const CLIENT_SECRET = 'loopback-client-secret-for-tests';
const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

async function freePort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts the loopback OpenID provider (its own process: oidc-provider is ESM only). */
async function startProvider(
  redirectUri: string,
): Promise<{ child: ChildProcess; issuer: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'support', 'oidc-provider.mjs')], {
    env: {
      ...process.env,
      OIDC_TEST_CLIENT_ID: CLIENT_ID,
      OIDC_TEST_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_TEST_REDIRECT_URI: redirectUri,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('{') && resolve(line));
    child.once('exit', (code) => reject(new Error(`provider exited with ${code}`)));
  });
  return { child, issuer: (JSON.parse(first) as { issuer: string }).issuer };
}

/** A browser: follows redirects by hand, keeping each host's cookies. */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  forget(host: string, name: string): void {
    this.jar.get(host)?.delete(name);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const { host } = new URL(url);
    const cookies = [...(this.jar.get(host) ?? new Map<string, string>()).entries()]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(cookies ? { cookie: cookies } : {}),
      },
    });
    const jar = this.jar.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair.trim().split('=');
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value.join('=') === '') {
        jar.delete(name);
      } else {
        jar.set(name, value.join('='));
      }
    }
    this.jar.set(host, jar);
    return res;
  }

  /** From the service's /login through the provider, up to (not into) the service's callback. */
  async toCallback(base: string, loginHint: string): Promise<string> {
    let url = `${base}/v1/auth/oidc/login?loginHint=${encodeURIComponent(loginHint)}`;
    for (let hop = 0; hop < 15; hop++) {
      const res = await this.fetch(url);
      const location = res.headers.get('location');
      if (!location) {
        throw new Error(`no redirect from ${new URL(url).pathname}: ${res.status}`);
      }
      url = new URL(location, url).toString();
      if (url.startsWith(`${base}/v1/auth/oidc/callback`)) {
        return url;
      }
    }
    throw new Error('too many redirects');
  }
}

describe('single sign-on (OpenID Connect) against a loopback provider', () => {
  let t: TestApp;
  let provider: ChildProcess;
  let issuer: string;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const redirectUri = `${base}/v1/auth/oidc/callback`;
    ({ child: provider, issuer } = await startProvider(redirectUri));
    t = await createTestApp({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_REDIRECT_URI: redirectUri,
      OIDC_ROLES_CLAIM: 'roles',
      PUBLIC_BASE_URL: base,
    });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    provider?.kill();
  });

  async function account(sub: string, claims: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${issuer}/test/accounts/${encodeURIComponent(sub)}`, {
      method: 'PUT',
      body: JSON.stringify(claims),
    });
    expect(res.status).toBe(204);
  }

  async function jsonLogin(sub: string): Promise<Response> {
    const browser = new Browser();
    const callback = await browser.toCallback(base, sub);
    return browser.fetch(callback, { headers: { accept: 'application/json' } });
  }

  it('provisions a user on first login with the roles of the claim, and opens an oidc session', async () => {
    const email = uniqueEmail('sso');
    await account('alice', { email, email_verified: true, roles: ['dpo', 'provider-only-group'] });
    const res = await jsonLogin('alice');
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
    expect(tokens).toEqual({
      accessToken: expect.any(String),
      expiresIn: expect.any(Number),
      refreshToken: expect.any(String),
    });
    const sessions = await request(t.http)
      .get('/v1/auth/sessions')
      .set(...bearer(tokens.accessToken))
      .expect(200);
    expect(sessions.body.items).toContainEqual(
      expect.objectContaining({ current: true, method: 'oidc' }),
    );
    // The dpo role works; admin (not in the claim) does not.
    await request(t.http)
      .get('/v1/admin/privacy-requests?limit=1')
      .set(...bearer(tokens.accessToken))
      .expect(200);
    await request(t.http)
      .get('/v1/admin/users')
      .set(...bearer(tokens.accessToken))
      .expect(403);
  });

  it('maps the roles claim again on every login, and a live token follows at once', async () => {
    const email = uniqueEmail('sso-bob');
    await account('bob', { email, email_verified: true, roles: 'auditor' });
    const first = (await (await jsonLogin('bob')).json()) as { accessToken: string };
    const audit = () =>
      request(t.http)
        .get('/v1/audit/events?limit=1')
        .set(...bearer(first.accessToken));
    await audit().expect(200);
    await account('bob', { email, email_verified: true, roles: 'dpo' });
    expect((await jsonLogin('bob')).status).toBe(200);
    await audit().expect(403);
  });

  it('refuses a user the claim gives no role of this service (403), creating nobody', async () => {
    const email = uniqueEmail('sso-carol');
    await account('carol', { email, email_verified: true, roles: ['viewer'] });
    const res = await jsonLogin('carol');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { type: string }).type).toMatch(/oidc-no-access$/);
    const rows = await t.app
      .get(DataSource)
      .query<unknown[]>(`SELECT 1 FROM admin_users WHERE email = $1`, [email]);
    expect(rows).toEqual([]);
  });

  it('makes one user of two simultaneous first logins, both answered with tokens', async () => {
    const email = uniqueEmail('sso-twin');
    await account('twin', { email, email_verified: true, roles: ['dpo'] });
    const browsers = [new Browser(), new Browser(), new Browser()];
    const callbacks = await Promise.all(browsers.map((b) => b.toCallback(base, 'twin')));
    const answers = await Promise.all(
      browsers.map((b, i) => b.fetch(callbacks[i], { headers: { accept: 'application/json' } })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await t.app
      .get(DataSource)
      .query<unknown[]>(`SELECT 1 FROM admin_users WHERE email = $1`, [email]);
    expect(rows).toHaveLength(1);
  });

  it('ends the open sessions of a user whose claim lost every role, and audits it', async () => {
    const email = uniqueEmail('sso-gina');
    await account('gina', { email, email_verified: true, roles: ['dpo'] });
    const tokens = (await (await jsonLogin('gina')).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    await account('gina', { email, email_verified: true, roles: ['viewer'] });
    expect((await jsonLogin('gina')).status).toBe(403);
    await request(t.http)
      .get('/v1/admin/privacy-requests?limit=1')
      .set(...bearer(tokens.accessToken))
      .expect(401);
    await request(t.http)
      .post('/v1/auth/refresh')
      .send({ refreshToken: tokens.refreshToken })
      .expect(401);
    const [refusal] = await t.app.get(DataSource).query<Array<{ details: unknown }>>(
      `SELECT e.details FROM audit_events e JOIN admin_users u ON u.id::text = e.actor_id
        WHERE u.email = $1 AND e.action = 'auth.oidc.login' AND e.outcome = 'denied'`,
      [email],
    );
    expect(refusal.details).toEqual({ reason: 'no_role', sessionsEnded: 1 });
  });

  it('takes the password of an account linked by e-mail away when its claim loses every role', async () => {
    const admin = await adminToken(t.http);
    const linked = await createUser(t.http, admin, ['auditor']);
    await account('hana', { email: linked.email, email_verified: true, roles: ['auditor'] });
    expect((await jsonLogin('hana')).status).toBe(200);
    await account('hana', { email: linked.email, email_verified: true, roles: [] });
    expect((await jsonLogin('hana')).status).toBe(403);
    await request(t.http)
      .post('/v1/auth/login')
      .send({ email: linked.email, password: linked.password })
      .expect(401);
  });

  it('refuses a callback that comes back without the state cookie of its login (401)', async () => {
    await account('dave', { email: uniqueEmail('sso-dave'), email_verified: true, roles: ['dpo'] });
    const browser = new Browser();
    const callback = await browser.toCallback(base, 'dave');
    browser.forget(new URL(base).host, 'oidc_state');
    const res = await browser.fetch(callback, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { type: string }).type).toMatch(/oidc-refused$/);
  });

  it('refuses a replayed callback (401): its state and code are spent', async () => {
    await account('erin', { email: uniqueEmail('sso-erin'), email_verified: true, roles: ['dpo'] });
    const browser = new Browser();
    const callback = await browser.toCallback(base, 'erin');
    const state = browser.cookie(new URL(base).host, 'oidc_state') as string;
    expect(
      (await browser.fetch(callback, { headers: { accept: 'application/json' } })).status,
    ).toBe(200);
    const replay = await fetch(callback, {
      headers: { accept: 'application/json', cookie: `oidc_state=${state}` },
    });
    expect(replay.status).toBe(401);
  });

  it('sends a browser to /console with a single-use cookie, never a token in the URL', async () => {
    await account('frank', {
      email: uniqueEmail('sso-frank'),
      email_verified: true,
      roles: ['admin'],
    });
    const browser = new Browser();
    const callback = await browser.toCallback(base, 'frank');
    const res = await browser.fetch(callback, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console#sso');
    const collect = () =>
      browser.fetch(`${base}/v1/auth/oidc/session`, {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
    const first = await collect();
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as { accessToken: string };
    await request(t.http)
      .get('/v1/admin/users?limit=1')
      .set(...bearer(tokens.accessToken))
      .expect(200);
    expect((await collect()).status).toBe(401);
  });
});
