import { authenticator } from 'otplib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TotpSecretMoves } from 'src/auth/mfa/totp-secret-moves';
import { SECRET_LABEL } from 'src/auth/mfa/mfa.service';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { createUser } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('TOTP secrets bound to their user', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let admin: string;
  let db: DataSource;
  let keys: ServiceKeys;

  // The move is recorded per database: tests that undo it need one of their own.
  beforeAll(async () => {
    own = await ownDatabase('totp_binding');
    t = await createTestApp({ ...own.env, WORKERS: 'false' });
    admin = await adminToken(t.http);
    db = t.app.get(DataSource);
    keys = t.app.get(ServiceKeys);
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
  });

  const storeSecret = (userId: string, sealed: string) =>
    db.query('UPDATE admin_users SET totp_secret = $2 WHERE id = $1', [userId, sealed]);

  /** Logs in with the password, then answers the second step with `secret`'s current code. */
  const secondStep = async (user: { email: string; password: string }, secret: string) => {
    const step = await request(t.http)
      .post('/v1/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(step.body.mfaRequired).toBe(true);
    return request(t.http)
      .post('/v1/auth/mfa/verify')
      .send({ mfaToken: step.body.mfaToken, code: authenticator.generate(secret) });
  };

  it('seals a secret stored before secrets named their user for that user at start', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const secret = authenticator.generateSecret();
    const former = keys.seal(SECRET_LABEL, secret);
    await storeSecret(user.id, former);
    await db.query(`DELETE FROM service_value_moves WHERE name = 'admin_users.totp_secret'`);

    await t.app.get(TotpSecretMoves).onApplicationBootstrap();
    const [row]: Array<{ s: string }> = await db.query(
      'SELECT totp_secret AS s FROM admin_users WHERE id = $1',
      [user.id],
    );
    expect(row.s).not.toBe(former);
    expect(keys.open(SECRET_LABEL, row.s, user.id)).toBe(secret);
    expect((await secondStep(user, secret)).status).toBe(200);
  });

  it('refuses, after the move, a secret not sealed for the user whose row holds it', async () => {
    const user = await createUser(t.http, admin, ['dpo']);
    const secret = authenticator.generateSecret();
    await t.app.get(TotpSecretMoves).onApplicationBootstrap();
    // A secret sealed before secrets named their user, put in this row afterwards.
    await storeSecret(user.id, keys.seal(SECRET_LABEL, secret));
    await t.app.get(TotpSecretMoves).onApplicationBootstrap();
    const refused = await secondStep(user, secret);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');

    await storeSecret(user.id, keys.seal(SECRET_LABEL, secret, user.id));
    expect((await secondStep(user, secret)).status).toBe(200);
  });
});
