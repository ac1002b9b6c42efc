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
