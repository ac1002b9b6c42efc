import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RsaKeysFixture } from '../libs/crypto/test-support/rsa-keys.fixture';
import { SoftHsmFixture } from '../libs/crypto/test-support/softhsm.fixture';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(60_000);

/** The same HTTP round trip on every provider: keys of each type are wrapped by its root key. */
async function roundTrip(t: TestApp, provider: string): Promise<void> {
  const admin = await adminToken(t.http);
  const key = (await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt'])).key;
  const post = (path: string, token: string, body: object = {}): request.Test =>
    request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body);
  const suffix = Math.random().toString(36).slice(2, 8);
  await post('/v1/keys', admin, { alias: `h-${suffix}`, provider, type: 'hmac-sha256' }).expect(
    201,
  );
  await post('/v1/keys', admin, { alias: `s-${suffix}`, provider, type: 'ed25519' }).expect(201);
  const { hmac } = (
    await post('/v1/crypto/hmac', key, { keyAlias: `h-${suffix}`, data: 'ü' }).expect(200)
  ).body as { hmac: string };
  await post('/v1/crypto/hmac/verify', key, { data: 'ü', hmac }).expect(200, { valid: true });
  const { signature } = (
    await post('/v1/crypto/sign', key, { keyAlias: `s-${suffix}`, data: 'ü' }).expect(200)
  ).body as { signature: string };
  await post(`/v1/keys/s-${suffix}/rotate`, admin).expect(201);
  await post('/v1/crypto/verify', key, { keyAlias: `s-${suffix}`, data: 'ü', signature }).expect(
    200,
    {
      valid: true,
    },
  );
  await post(`/v1/keys/s-${suffix}/versions/1/disable`, admin).expect(200);
  await post('/v1/crypto/verify', key, { keyAlias: `s-${suffix}`, data: 'ü', signature }).expect(
    422,
  );
}

const softHsm = new SoftHsmFixture();
(SoftHsmFixture.available() ? describe : describe.skip)(
  'Managed keys with the pkcs11 root key provider (SoftHSM2)',
  () => {
    let t: TestApp;
    beforeAll(async () => {
      await softHsm.setUp();
      t = await createTestApp({
        KEY_PROVIDER: 'pkcs11',
        PKCS11_TOKEN_LABEL: softHsm.tokenLabel,
        PKCS11_PIN: softHsm.pin,
        PKCS11_KEY_LABEL: 'root-e2e',
        PKCS11_CREATE_KEY: 'true',
        WORKERS: 'false',
      });
    });
    afterAll(async () => {
      await t?.close();
      softHsm.tearDown();
    });

    it('HMAC, sign, verify after rotation and disabled versions over HTTP', async () => {
      await roundTrip(t, 'pkcs11');
    });
  },
);

describe('Managed keys with the rsa root key provider', () => {
  const keys = new RsaKeysFixture();
  const dir = mkdtempSync(join(tmpdir(), 'rsa-e2e-'));
  const privateFile = join(dir, 'private.pem');
  const publicFile = join(dir, 'public.pem');
  writeFileSync(privateFile, keys.privateKeyPem);
  writeFileSync(publicFile, keys.publicKeyPem);

  it('HMAC, sign, verify after rotation and disabled versions over HTTP (private key)', async () => {
    const t = await createTestApp({
      KEY_PROVIDER: 'rsa',
      RSA_PRIVATE_KEY_FILE: privateFile,
      WORKERS: 'false',
    });
    try {
      await roundTrip(t, 'rsa');
    } finally {
      await t.close();
    }
  });

  it('with only the public key: keys are created, but HMAC and signing answer a clear 422 once the keys must be unwrapped', async () => {
    const env = { KEY_PROVIDER: 'rsa', RSA_PUBLIC_KEY_FILE: publicFile, WORKERS: 'false' };
    const first = await createTestApp(env);
    const alias = `wo-${Math.random().toString(36).slice(2, 8)}`;
    let key: string;
    try {
      const admin = await adminToken(first.http);
      key = (await createApiKey(first.http, admin, ['crypto:encrypt'])).key;
      await request(first.http)
        .post('/v1/keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ alias, provider: 'rsa', type: 'hmac-sha256' })
        .expect(201);
    } finally {
      await first.close();
    }
    // A fresh instance has nothing cached and its provider cannot unwrap.
    const second = await createTestApp(env);
    try {
      const res = await request(second.http)
        .post('/v1/crypto/hmac')
        .set('Authorization', `Bearer ${key}`)
        .send({ keyAlias: alias, data: 'x' })
        .expect(422);
      expect(res.body).toMatchObject({
        type: '/problems/provider-cannot-decrypt',
        detail: 'The configured key provider can only encrypt.',
      });
    } finally {
      await second.close();
    }
  });
});
