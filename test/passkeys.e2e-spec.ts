import { authenticator } from 'otplib';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createUser } from './support/factories';
import { SoftAuthenticator } from './support/soft-authenticator';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

async function enrol(
  http: App,
  token: string,
  key: SoftAuthenticator,
  name: string,
): Promise<{ id: string; name: string }> {
  const options = await request(http)
    .post('/v1/auth/mfa/webauthn/register/options')
    .set(...bearer(token))
    .expect(200);
  const res = await request(http)
    .post('/v1/auth/mfa/webauthn/register/verify')
    .set(...bearer(token))
    .send({ name, response: key.create(options.body as { challenge: string }) })
    .expect(201);
  return res.body as { id: string; name: string };
}

async function passwordStep(http: App, email: string, password: string): Promise<string> {
  const res = await request(http).post('/v1/auth/login').send({ email, password }).expect(200);
  expect(res.body).toMatchObject({ mfaRequired: true, mfaMethods: ['webauthn'] });
  return (res.body as { mfaToken: string }).mfaToken;
}

async function passkeyStep(http: App, mfaToken: string, key: SoftAuthenticator) {
  const options = await request(http)
    .post('/v1/auth/mfa/webauthn/options')
    .send({ mfaToken })
    .expect(200);
  return request(http)
    .post('/v1/auth/mfa/verify')
    .send({ mfaToken, webauthn: key.get(options.body as { challenge: string }) });
}

describe('passkeys (WebAuthn)', () => {
  let t: TestApp;
  let admin: string;
  let newKey: () => SoftAuthenticator;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    const { origins, rpId } = t.config.auth.webauthn;
    newKey = () => new SoftAuthenticator(origins[0], rpId);
  });
  afterAll(() => t.close());

  it('enrols a passkey, then logs in with password and passkey', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const key = newKey();
    const passkey = await enrol(t.http, user.token, key, 'Office key – Büro');
    expect(passkey).toEqual({
      id: expect.any(String),
      name: 'Office key – Büro',
      createdAt: expect.stringMatching(/Z$/),
      lastUsedAt: null,
    });
    const mfaToken = await passwordStep(t.http, user.email, user.password);
    const options = await request(t.http)
      .post('/v1/auth/mfa/webauthn/options')
      .send({ mfaToken })
      .expect(200);
    expect(options.body.rpId).toBe(t.config.auth.webauthn.rpId);
    expect(options.body.allowCredentials).toEqual([
      expect.objectContaining({ id: key.credentialId.toString('base64url') }),
    ]);
    const done = await request(t.http)
      .post('/v1/auth/mfa/verify')
      .send({ mfaToken, webauthn: key.get(options.body as { challenge: string }) })
      .expect(200);
    const sessions = await request(t.http)
      .get('/v1/auth/sessions')
      .set(...bearer(done.body.accessToken as string))
      .expect(200);
    expect(sessions.body.items).toContainEqual(
      expect.objectContaining({ current: true, method: 'mfa' }),
    );
    const listed = await request(t.http)
      .get('/v1/auth/mfa/webauthn/credentials')
      .set(...bearer(done.body.accessToken as string))
      .expect(200);
    expect(listed.body.items[0].lastUsedAt).toEqual(expect.stringMatching(/Z$/));
  });

  it('keeps several named passkeys, each of which logs in, and removes one', async () => {
    const user = await createUser(t.http, admin, ['auditor']);
    const office = newKey();
    const home = newKey();
    const first = await enrol(t.http, user.token, office, 'office');
    await enrol(t.http, user.token, home, 'home');
    const list = await request(t.http)
      .get('/v1/auth/mfa/webauthn/credentials')
      .set(...bearer(user.token))
      .expect(200);
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['office', 'home']);
    const withHome = await passkeyStep(
      t.http,
      await passwordStep(t.http, user.email, user.password),
      home,
    );
    expect(withHome.status).toBe(200);
    await request(t.http)
      .delete(`/v1/auth/mfa/webauthn/credentials/${first.id}`)
      .set(...bearer(user.token))
      .expect(204);
    const refused = await passkeyStep(
      t.http,
      await passwordStep(t.http, user.email, user.password),
      office,
    );
    expect(refused.status).toBe(401);
    const accepted = await passkeyStep(
      t.http,
      await passwordStep(t.http, user.email, user.password),
      home,
    );
    expect(accepted.status).toBe(200);
  });

  it("answers 404 for another user's passkey and leaves it in place", async () => {
    const owner = await createUser(t.http, admin, ['dpo']);
    const other = await createUser(t.http, admin, ['dpo']);
    const passkey = await enrol(t.http, owner.token, newKey(), 'mine');
    await request(t.http)
      .delete(`/v1/auth/mfa/webauthn/credentials/${passkey.id}`)
      .set(...bearer(other.token))
      .expect(404);
    const list = await request(t.http)
      .get('/v1/auth/mfa/webauthn/credentials')
      .set(...bearer(owner.token))
      .expect(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('refuses an assertion whose signature counter did not grow (a cloned authenticator)', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const key = newKey();
    await enrol(t.http, user.token, key, 'key');
    const ok = await passkeyStep(
      t.http,
      await passwordStep(t.http, user.email, user.password),
      key,
    );
    expect(ok.status).toBe(200);
    key.counter -= 1;
    const cloned = await passkeyStep(
      t.http,
      await passwordStep(t.http, user.email, user.password),
      key,
    );
    expect(cloned.status).toBe(401);
    expect(cloned.headers['content-type']).toContain('application/problem+json');
  });

  it('uses a login challenge once: a replayed assertion is refused', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const key = newKey();
    await enrol(t.http, user.token, key, 'key');
    const mfaToken = await passwordStep(t.http, user.email, user.password);
    const options = await request(t.http)
      .post('/v1/auth/mfa/webauthn/options')
      .send({ mfaToken })
      .expect(200);
    const assertion = key.get(options.body as { challenge: string });
    const wrongOrigin = new SoftAuthenticator('https://evil.example', t.config.auth.webauthn.rpId);
    await request(t.http)
      .post('/v1/auth/mfa/verify')
      .send({ mfaToken, webauthn: wrongOrigin.get(options.body as { challenge: string }) })
      .expect(401);
    // The failed try spent the challenge: even the right assertion for it is refused now.
    await request(t.http)
      .post('/v1/auth/mfa/verify')
      .send({ mfaToken, webauthn: assertion })
      .expect(401);
  });

  it('refuses a registration from another origin (422) and stores nothing', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const options = await request(t.http)
      .post('/v1/auth/mfa/webauthn/register/options')
      .set(...bearer(user.token))
      .expect(200);
    const evil = new SoftAuthenticator('https://evil.example', t.config.auth.webauthn.rpId);
    const res = await request(t.http)
      .post('/v1/auth/mfa/webauthn/register/verify')
      .set(...bearer(user.token))
      .send({ name: 'evil', response: evil.create(options.body as { challenge: string }) })
      .expect(422);
    expect(res.body.type).toMatch(/passkey-refused$/);
    const list = await request(t.http)
      .get('/v1/auth/mfa/webauthn/credentials')
      .set(...bearer(user.token))
      .expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('refuses a code and a passkey together, and neither (400)', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const key = newKey();
    await enrol(t.http, user.token, key, 'key');
    const mfaToken = await passwordStep(t.http, user.email, user.password);
    await request(t.http).post('/v1/auth/mfa/verify').send({ mfaToken }).expect(400);
    const options = await request(t.http)
      .post('/v1/auth/mfa/webauthn/options')
      .send({ mfaToken })
      .expect(200);
    await request(t.http)
      .post('/v1/auth/mfa/verify')
      .send({ mfaToken, code: '123456', webauthn: key.get(options.body as { challenge: string }) })
      .expect(400);
  });
});

describe('MFA_REQUIRED', () => {
  let plain: TestApp;
  let strict: TestApp;
  let admin: string;

  beforeAll(async () => {
    plain = await createTestApp();
    strict = await createTestApp({ MFA_REQUIRED: 'true' });
    admin = await adminToken(plain.http);
  });
  afterAll(async () => {
    await strict.close();
    await plain.close();
  });

  async function strictLogin(email: string, password: string): Promise<string> {
    const res = await request(strict.http)
      .post('/v1/auth/login')
      .send({ email, password })
      .expect(200);
    expect(res.body).toMatchObject({ mfaEnrolmentRequired: true });
    return res.body.accessToken as string;
  }

  it('lets a user without a second factor only enrol one, then everything at once', async () => {
    const user = await createUser(plain.http, admin, ['auditor']);
    const token = await strictLogin(user.email, user.password);
    const refused = await request(strict.http)
      .get('/v1/audit/events?limit=1')
      .set(...bearer(token))
      .expect(403);
    expect(refused.body.type).toMatch(/mfa-enrolment-required$/);
    await request(strict.http)
      .get('/v1/auth/whoami')
      .set(...bearer(token))
      .expect(200);
    const { origins, rpId } = strict.config.auth.webauthn;
    await enrol(strict.http, token, new SoftAuthenticator(origins[0], rpId), 'first key');
    await request(strict.http)
      .get('/v1/audit/events?limit=1')
      .set(...bearer(token))
      .expect(200);
  });

  it('counts a confirmed TOTP as the second factor too', async () => {
    const user = await createUser(plain.http, admin, ['auditor']);
    const token = await strictLogin(user.email, user.password);
    const enrolled = await request(strict.http)
      .post('/v1/auth/mfa/totp/enroll')
      .set(...bearer(token))
      .expect(200);
    await request(strict.http)
      .post('/v1/auth/mfa/totp/confirm')
      .set(...bearer(token))
      .send({ code: authenticator.generate(enrolled.body.secret as string) })
      .expect(200);
    await request(strict.http)
      .get('/v1/audit/events?limit=1')
      .set(...bearer(token))
      .expect(200);
  });

  it('leaves MFA optional where MFA_REQUIRED is off (the default outside production)', async () => {
    expect(plain.config.auth.mfaRequired).toBe(false);
    const user = await createUser(plain.http, admin, ['auditor']);
    await request(plain.http)
      .get('/v1/audit/events?limit=1')
      .set(...bearer(user.token))
      .expect(200);
  });
});
