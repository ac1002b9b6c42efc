import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { EnvelopeCrypto } from '@libs/crypto';
import { ENVELOPE_CRYPTO } from 'src/crypto/envelope-crypto.token';
import { KmsLoopbackServer } from '../libs/crypto/test-support/kms-loopback.server';
import { RsaKeysFixture } from '../libs/crypto/test-support/rsa-keys.fixture';
import { SoftHsmFixture } from '../libs/crypto/test-support/softhsm.fixture';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const context = { bucket: 'scans', object: 'passport-Zoë.pdf' };

interface Booted {
  t: TestApp;
  key: string;
}

async function boot(env: Record<string, string>): Promise<Booted> {
  const t = await createTestApp({ WORKERS: 'false', ...env });
  const admin = await adminToken(t.http);
  const { key } = await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt']);
  return { t, key };
}

/** A data key, its wrapped form, and the same key back from the wrapped form (and rewrap). */
async function roundTrip({ t, key }: Booted): Promise<void> {
  const generated = await request(t.http)
    .post('/v1/crypto/data-keys')
    .set('Authorization', `Bearer ${key}`)
    .send({ context, bytes: 24 })
    .expect(200);
  const { plaintextKey, wrappedKey } = generated.body as {
    plaintextKey: string;
    wrappedKey: string;
  };
  expect(Buffer.from(plaintextKey, 'base64')).toHaveLength(24);
  // A cold cache makes the unwrap go through the provider for the keyring key.
  const crypto = t.app.get<EnvelopeCrypto>(ENVELOPE_CRYPTO);
  crypto.keyring.clearCache();
  const unwrapsBefore = crypto.keyring.providerUnwrapCount;
  await request(t.http)
    .post('/v1/crypto/data-keys/unwrap')
    .set('Authorization', `Bearer ${key}`)
    .send({ wrappedKey, context })
    .expect(200, { plaintextKey });
  expect(crypto.keyring.providerUnwrapCount).toBe(unwrapsBefore + 1);
  await request(t.http)
    .post('/v1/crypto/data-keys/unwrap')
    .set('Authorization', `Bearer ${key}`)
    .send({ wrappedKey, context: { ...context, object: 'other.pdf' } })
    .expect(422);
  const sealed = await request(t.http)
    .post('/v1/crypto/encrypt')
    .set('Authorization', `Bearer ${key}`)
    .send({ context, fields: { name: 'Zoë Ñúñez' } })
    .expect(200);
  const rewrapped = await request(t.http)
    .post('/v1/crypto/rewrap')
    .set('Authorization', `Bearer ${key}`)
    .send({ context, fields: (sealed.body as { fields: object }).fields })
    .expect(200);
  await request(t.http)
    .post('/v1/crypto/decrypt')
    .set('Authorization', `Bearer ${key}`)
    .send({ context, fields: (rewrapped.body as { fields: object }).fields })
    .expect(200, { fields: { name: 'Zoë Ñúñez' } });
}

const alias = (kind: string): string => `${kind}-${randomUUID().slice(0, 8)}`;

describe('Data keys and rewrap through the local provider', () => {
  let b: Booted;
  beforeAll(async () => {
    b = await boot({ CRYPTO_DEFAULT_KEY_ALIAS: alias('local') });
  });
  afterAll(() => b?.t.close());

  it('generates, unwraps and rewraps', () => roundTrip(b));
});

// Real AWS KMS is not reachable from the test environment: the KMS-protocol loopback server
// (real HTTP, JSON 1.1, AES-GCM) stands in for it.
describe('Data keys and rewrap through the aws-kms provider', () => {
  const kms = new KmsLoopbackServer([KEY_ARN]);
  let b: Booted;
  beforeAll(async () => {
    await kms.start();
    b = await boot({
      KEY_PROVIDER: 'aws-kms',
      KMS_KEY_ID: KEY_ARN,
      KMS_ENDPOINT: kms.endpoint,
      KMS_ACCESS_KEY_ID: 'AKIDLOOPBACK',
      KMS_SECRET_ACCESS_KEY: 'loopback-secret',
      CRYPTO_DEFAULT_KEY_ALIAS: alias('kms'),
    });
  });
  afterAll(async () => {
    await b?.t.close();
    await kms.stop();
  });

  it('generates, unwraps and rewraps', () => roundTrip(b));
});

const describePkcs11 = SoftHsmFixture.available() ? describe : describe.skip;
if (!SoftHsmFixture.available()) {
  console.warn(SoftHsmFixture.unavailableMessage());
}

describePkcs11('Data keys and rewrap through the pkcs11 provider (SoftHSM2)', () => {
  const hsm = new SoftHsmFixture();
  let b: Booted;
  beforeAll(async () => {
    await hsm.setUp();
    b = await boot({
      KEY_PROVIDER: 'pkcs11',
      PKCS11_TOKEN_LABEL: hsm.tokenLabel,
      PKCS11_PIN: hsm.pin,
      PKCS11_KEY_LABEL: 'data-keys-root',
      PKCS11_CREATE_KEY: 'true',
      CRYPTO_DEFAULT_KEY_ALIAS: alias('hsm'),
    });
  });
  afterAll(async () => {
    await b?.t.close();
    hsm.tearDown();
  });

  it('generates, unwraps and rewraps', () => roundTrip(b));
});

describe('Data keys through the rsa provider', () => {
  const rsa = new RsaKeysFixture();
  const dir = mkdtempSync(join(tmpdir(), 'rsa-data-keys-'));
  const publicFile = join(dir, 'public.pem');
  const privateFile = join(dir, 'private.pem');
  const shared = alias('rsa');
  let full: Booted;
  let publicOnly: Booted | undefined;

  beforeAll(async () => {
    writeFileSync(publicFile, rsa.publicKeyPem);
    writeFileSync(privateFile, rsa.privateKeyPem);
    full = await boot({
      KEY_PROVIDER: 'rsa',
      RSA_PUBLIC_KEY_FILE: publicFile,
      RSA_PRIVATE_KEY_FILE: privateFile,
      CRYPTO_DEFAULT_KEY_ALIAS: shared,
    });
  });
  afterAll(async () => {
    await publicOnly?.t.close();
    await full?.t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates, unwraps and rewraps with the key pair', () => roundTrip(full));

  it('answers a clear 422 where only the public key is configured and the keyring key must be unwrapped', async () => {
    const made = await request(full.t.http)
      .post('/v1/crypto/data-keys')
      .set('Authorization', `Bearer ${full.key}`)
      .send({ context })
      .expect(200);
    const { wrappedKey } = made.body as { wrappedKey: string };
    // Another instance with the public key only: it has never held the keyring key unwrapped.
    publicOnly = await boot({
      KEY_PROVIDER: 'rsa',
      RSA_PUBLIC_KEY_FILE: publicFile,
      CRYPTO_DEFAULT_KEY_ALIAS: shared,
    });
    const refused = await request(publicOnly.t.http)
      .post('/v1/crypto/data-keys/unwrap')
      .set('Authorization', `Bearer ${publicOnly.key}`)
      .send({ wrappedKey, context })
      .expect(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ detail: 'The configured key provider can only encrypt.' });
    await request(publicOnly.t.http)
      .post('/v1/crypto/data-keys')
      .set('Authorization', `Bearer ${publicOnly.key}`)
      .send({ context })
      .expect(422);
  });
});
