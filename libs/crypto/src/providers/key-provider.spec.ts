import { randomBytes } from 'node:crypto';
import { describeKeyProviderConformance } from '../../test-support/key-provider.conformance';
import { KmsLoopbackServer } from '../../test-support/kms-loopback.server';
import { RsaKeysFixture } from '../../test-support/rsa-keys.fixture';
import { SoftHsmFixture } from '../../test-support/softhsm.fixture';
import { EnvelopeCrypto } from '../envelope-crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { InMemoryKeyStore } from '../keys/in-memory.key-store';
import { KeyringKeyType } from '../keys/keyring-key-type.enum';
import { AwsKmsProvider } from './aws-kms.provider';
import { KeyProviderKind } from './key-provider-kind.enum';
import type { KeyProviderConfig } from './key-provider.config';
import { KeyProviderFactory } from './key-provider.factory';
import { LocalProvider } from './local.provider';
import { ProviderRegistry } from './provider-registry';
import { RsaProvider } from './rsa.provider';

jest.setTimeout(30_000);

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/8f1c7a52-1111-4c4f-9d3e-0123456789ab';
const CREDENTIALS = { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' };
const rsaKeys = new RsaKeysFixture();
const kms = new KmsLoopbackServer([KEY_ARN]);
const softHsm = new SoftHsmFixture();

beforeAll(async () => {
  await kms.start();
  if (SoftHsmFixture.available()) {
    await softHsm.setUp();
  }
});

afterAll(async () => {
  await kms.stop();
  softHsm.tearDown();
});

describeKeyProviderConformance('local', () =>
  KeyProviderFactory.create({
    kind: KeyProviderKind.Local,
    keyName: 'master-v1',
    rootKey: randomBytes(32),
  }),
);
describeKeyProviderConformance('rsa (PEM)', () =>
  KeyProviderFactory.create({
    kind: KeyProviderKind.Rsa,
    keyName: 'rsa-v1',
    privateKeyPem: rsaKeys.privateKeyPem,
  }),
);
describeKeyProviderConformance('rsa (PKCS#12)', () =>
  KeyProviderFactory.create({
    kind: KeyProviderKind.Rsa,
    keyName: 'rsa-v1',
    pkcs12: { der: rsaKeys.pkcs12Der, password: rsaKeys.pkcs12Password },
  }),
);
describeKeyProviderConformance('aws-kms (loopback KMS server)', () =>
  KeyProviderFactory.create({
    kind: KeyProviderKind.AwsKms,
    keyArn: KEY_ARN,
    endpoint: kms.endpoint,
    credentials: CREDENTIALS,
  }),
);
if (SoftHsmFixture.available()) {
  describeKeyProviderConformance('pkcs11 (SoftHSM2)', () =>
    KeyProviderFactory.create({
      kind: KeyProviderKind.Pkcs11,
      tokenLabel: softHsm.tokenLabel,
      pin: softHsm.pin,
      keyLabel: 'root-v1',
      createKeyIfMissing: true,
    }),
  );
} else {
  console.warn(SoftHsmFixture.unavailableMessage());
  describe.skip('KeyProvider conformance: pkcs11 (SoftHSM2 not installed)', () => {
    it('skipped', () => undefined);
  });
}

describe('KeyProviderFactory', () => {
  it('throws on an unknown kind instead of falling back', async () => {
    const config = { kind: 'vault', keyName: 'x' } as unknown as KeyProviderConfig;
    await expect(KeyProviderFactory.create(config)).rejects.toMatchObject({
      code: CryptoErrorCode.InvalidConfig,
    });
  });

  it('rejects a local root key that is not 32 bytes', async () => {
    await expect(
      KeyProviderFactory.create({
        kind: KeyProviderKind.Local,
        keyName: 'k',
        rootKey: randomBytes(16),
      }),
    ).rejects.toMatchObject({ code: CryptoErrorCode.InvalidConfig });
  });
});

describe('RsaProvider', () => {
  it('with only a public key wraps but cannot unwrap; the private key holder can', async () => {
    const writeOnly = new RsaProvider({ keyName: 'rsa-v1', publicKeyPem: rsaKeys.publicKeyPem });
    const full = new RsaProvider({ keyName: 'rsa-v1', privateKeyPem: rsaKeys.privateKeyPem });
    expect(writeOnly.capabilities).toEqual({ canEncrypt: true, canDecrypt: false });
    const { plaintext, wrapped } = await writeOnly.generateDataKey({ a: 'b' });
    await expect(writeOnly.unwrapDataKey(wrapped, { a: 'b' })).rejects.toMatchObject({
      code: CryptoErrorCode.ProviderCannotDecrypt,
    });
    expect((await full.unwrapDataKey(wrapped, { a: 'b' })).equals(plaintext)).toBe(true);
  });

  it('with only a public key: HMAC and signing keys are created, but a clear ProviderCannotDecrypt once they must be unwrapped', async () => {
    const writeOnly = new RsaProvider({ keyName: 'rsa-v1', publicKeyPem: rsaKeys.publicKeyPem });
    const crypto = new EnvelopeCrypto({
      store: new InMemoryKeyStore(),
      providers: new ProviderRegistry(writeOnly),
      defaultAlias: 'pii',
      subjectRefSecret: randomBytes(32),
      blindIndexSecret: randomBytes(32),
    });
    await crypto.keyring.createKeyring('macs', KeyringKeyType.HmacSha256);
    await crypto.keyring.createKeyring('ed', KeyringKeyType.Ed25519);
    const signature = await crypto.managed.sign('ed', Buffer.from('d'));
    crypto.keyring.clearCache();
    await expect(crypto.managed.hmac('macs', Buffer.from('d'))).rejects.toMatchObject({
      code: CryptoErrorCode.ProviderCannotDecrypt,
    });
    await expect(crypto.managed.sign('ed', Buffer.from('d'))).rejects.toMatchObject({
      code: CryptoErrorCode.ProviderCannotDecrypt,
    });
    // Verification needs only the public key, so it keeps working.
    expect(await crypto.managed.verify('ed', Buffer.from('d'), signature)).toBe(true);
  });

  it('accepts a certificate as the public key', async () => {
    const writeOnly = new RsaProvider({ keyName: 'rsa-v1', publicKeyPem: rsaKeys.certificatePem });
    const full = new RsaProvider({ keyName: 'rsa-v1', privateKeyPem: rsaKeys.privateKeyPem });
    const wrapped = await writeOnly.wrapDataKey(Buffer.alloc(32, 1), {});
    expect((await full.unwrapDataKey(wrapped, {})).equals(Buffer.alloc(32, 1))).toBe(true);
  });

  it('rejects a PKCS#12 bundle with the wrong password', () => {
    expect(
      () => new RsaProvider({ keyName: 'r', pkcs12: { der: rsaKeys.pkcs12Der, password: 'nope' } }),
    ).toThrow(expect.objectContaining({ code: CryptoErrorCode.InvalidConfig }));
  });

  it('a key wrapped under another RSA key does not unwrap', async () => {
    const other = new RsaKeysFixture();
    const a = new RsaProvider({ keyName: 'rsa-v1', privateKeyPem: rsaKeys.privateKeyPem });
    const b = new RsaProvider({ keyName: 'rsa-v1', privateKeyPem: other.privateKeyPem });
    const { wrapped } = await a.generateDataKey({});
    await expect(b.unwrapDataKey(wrapped, {})).rejects.toMatchObject({
      code: CryptoErrorCode.AuthenticationFailed,
    });
  });
});

describe('AwsKmsProvider', () => {
  it('uses GenerateDataKey, Encrypt and Decrypt on the configured endpoint', async () => {
    const provider = new AwsKmsProvider({
      keyArn: KEY_ARN,
      endpoint: kms.endpoint,
      credentials: CREDENTIALS,
    });
    const before = { ...kms.calls };
    const { plaintext, wrapped } = await provider.generateDataKey({ k: 'v' });
    await provider.wrapDataKey(plaintext, { k: 'v' });
    await provider.unwrapDataKey(wrapped, { k: 'v' });
    expect({
      GenerateDataKey: kms.calls.GenerateDataKey - before.GenerateDataKey,
      Encrypt: kms.calls.Encrypt - before.Encrypt,
      Decrypt: kms.calls.Decrypt - before.Decrypt,
    }).toEqual({ GenerateDataKey: 1, Encrypt: 1, Decrypt: 1 });
    await provider.close();
  });

  it('refuses a key id that is not a full ARN', () => {
    expect(() => new AwsKmsProvider({ keyArn: 'alias/pii' })).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.InvalidConfig }),
    );
  });
});

describe('LocalProvider', () => {
  it('a key wrapped under one root key does not unwrap under another', async () => {
    const a = new LocalProvider({ keyName: 'master-v1', rootKey: randomBytes(32) });
    const b = new LocalProvider({ keyName: 'master-v1', rootKey: randomBytes(32) });
    const { wrapped } = await a.generateDataKey({});
    await expect(b.unwrapDataKey(wrapped, {})).rejects.toMatchObject({
      code: CryptoErrorCode.AuthenticationFailed,
    });
  });
});
