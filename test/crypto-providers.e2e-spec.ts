import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { KmsLoopbackServer } from '../libs/crypto/test-support/kms-loopback.server';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

// Real AWS KMS is not reachable from the test environment: the KMS-protocol loopback server
// (real HTTP, JSON 1.1, AES-GCM) stands in for it.
describe('Field encryption with the aws-kms root key provider', () => {
  const kms = new KmsLoopbackServer([KEY_ARN]);
  const alias = `kms-${randomUUID().slice(0, 8)}`;
  let t: TestApp;
  let admin: string;
  let key: string;

  beforeAll(async () => {
    await kms.start();
    t = await createTestApp({
      KEY_PROVIDER: 'aws-kms',
      KMS_KEY_ID: KEY_ARN,
      KMS_ENDPOINT: kms.endpoint,
      KMS_ACCESS_KEY_ID: 'AKIDLOOPBACK',
      KMS_SECRET_ACCESS_KEY: 'loopback-secret',
      CRYPTO_DEFAULT_KEY_ALIAS: alias,
      WORKERS: 'false',
    });
    admin = await adminToken(t.http);
    key = (await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt'])).key;
  });
  afterAll(async () => {
    await t?.close();
    await kms.stop();
  });

  it('creates the default alias under the KMS key and round-trips fields through it', async () => {
    const detail = await request(t.http)
      .get(`/v1/keys/${alias}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(detail.body).toMatchObject({ alias, provider: 'aws-kms', activeVersion: 1 });
    const sealed = await request(t.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${key}`)
      .send({ subjectId: randomUUID(), fields: { email: 'jane@example.com' } })
      .expect(200);
    await request(t.http)
      .post('/v1/crypto/decrypt')
      .set('Authorization', `Bearer ${key}`)
      .send({ fields: (sealed.body as { fields: Record<string, string> }).fields })
      .expect(200, { fields: { email: 'jane@example.com' } });
  });

  it('wraps HMAC and signing keys under the KMS key: HMAC, sign, verify, public keys and disabled versions over HTTP', async () => {
    const post = (path: string, token: string, body: object = {}): request.Test =>
      request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body);
    const macs = `kms-h-${randomUUID().slice(0, 8)}`;
    const signer = `kms-s-${randomUUID().slice(0, 8)}`;
    const before = kms.calls.Encrypt + kms.calls.GenerateDataKey;
    await post('/v1/keys', admin, { alias: macs, provider: 'aws-kms', type: 'hmac-sha256' }).expect(
      201,
    );
    await post('/v1/keys', admin, {
      alias: signer,
      provider: 'aws-kms',
      type: 'ecdsa-p256',
    }).expect(201);
    expect(kms.calls.Encrypt + kms.calls.GenerateDataKey - before).toBe(2);
    const { hmac } = (await post('/v1/crypto/hmac', key, { keyAlias: macs, data: 'd' }).expect(200))
      .body as { hmac: string };
    const { signature } = (
      await post('/v1/crypto/sign', key, { keyAlias: signer, data: 'd' }).expect(200)
    ).body as { signature: string };
    await post(`/v1/keys/${signer}/rotate`, admin).expect(201);
    await post(`/v1/keys/${macs}/rotate`, admin).expect(201);
    const jwks = await request(t.http).get(`/v1/keys/${signer}/public-keys`).expect(200);
    expect((jwks.body as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid)).toEqual([
      `${signer}:1`,
      `${signer}:2`,
    ]);
    await post('/v1/crypto/verify', key, { keyAlias: signer, data: 'd', signature }).expect(200, {
      valid: true,
    });
    await post(`/v1/keys/${macs}/versions/1/disable`, admin).expect(200);
    const refused = await post('/v1/crypto/hmac/verify', key, { data: 'd', hmac }).expect(422);
    expect((refused.body as { detail: string }).detail).toBe(
      `key version 1 of ${macs} is disabled.`,
    );
  });

  it('registers aliases only for the configured provider and key', async () => {
    const other = `kms-${randomUUID().slice(0, 8)}`;
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias: other, provider: 'aws-kms', providerKeyId: KEY_ARN })
      .expect(201);
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias: `${other}-b`, provider: 'aws-kms', providerKeyId: `${KEY_ARN}0` })
      .expect(422);
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias: `${other}-c`, provider: 'local' })
      .expect(422);
  });
});
