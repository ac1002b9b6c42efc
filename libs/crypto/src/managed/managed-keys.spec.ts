import { createPublicKey, verify } from 'node:crypto';
import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { KeyringKeyType } from '../keys/keyring-key-type.enum';
import { MAX_MANAGED_DATA_BYTES, SignatureAlgorithm } from './managed-keys';

const DATA = Buffer.from('Zoë Ødegaard, 12 rue de l’Église', 'utf8');

/** The same token with one bit of its value flipped (re-encoded canonically). */
function flipBit(token: string): string {
  const parts = token.split(':');
  const value = Buffer.from(parts[4], 'base64url');
  value[10] ^= 0x01;
  parts[4] = value.toString('base64url');
  return parts.join(':');
}

describe('ManagedKeys: HMAC, signatures and their public keys', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
    await t.crypto.keyring.createKeyring('macs', KeyringKeyType.HmacSha256);
    await t.crypto.keyring.createKeyring('es', KeyringKeyType.EcdsaP256);
    await t.crypto.keyring.createKeyring('ed', KeyringKeyType.Ed25519);
  });

  it('makes a self-describing, deterministic HMAC that verifies, and rejects tampering', async () => {
    const mac = await t.crypto.managed.hmac('macs', DATA);
    expect(mac).toMatch(/^hmac:v1:macs:1:[A-Za-z0-9_-]{43}$/);
    expect(await t.crypto.managed.hmac('macs', DATA)).toBe(mac);
    expect(await t.crypto.managed.verifyHmac(mac, DATA)).toBe(true);
    expect(await t.crypto.managed.verifyHmac(mac, Buffer.from('other'))).toBe(false);
    expect(await t.crypto.managed.verifyHmac(flipBit(mac), DATA)).toBe(false);
    await expect(t.crypto.managed.verifyHmac('hmac:v1:macs:1', DATA)).rejects.toMatchObject({
      code: CryptoErrorCode.Malformed,
    });
    // A last character differing only in unused bits would decode to the same bytes: refused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sloppy = mac.slice(0, -1) + alphabet[alphabet.indexOf(mac[mac.length - 1]) ^ 1];
    expect(Buffer.from(sloppy.split(':')[4], 'base64url')).toEqual(
      Buffer.from(mac.split(':')[4], 'base64url'),
    );
    await expect(t.crypto.managed.verifyHmac(sloppy, DATA)).rejects.toMatchObject({
      code: CryptoErrorCode.Malformed,
    });
  });

  it('verifies an HMAC after rotation under the version it names, until that version is disabled', async () => {
    const before = await t.crypto.managed.hmac('macs', DATA);
    await t.crypto.keyring.rotateKeyring('macs');
    const after = await t.crypto.managed.hmac('macs', DATA);
    expect(after).toMatch(/^hmac:v1:macs:2:/);
    expect(after).not.toBe(before);
    expect(await t.crypto.managed.verifyHmac(before, DATA)).toBe(true);
    await t.crypto.disableKeyringVersion('macs', 1);
    await expect(t.crypto.managed.verifyHmac(before, DATA)).rejects.toMatchObject({
      code: CryptoErrorCode.KeyVersionDisabled,
      message: 'key version 1 of macs is disabled',
    });
  });

  it.each([
    ['es', SignatureAlgorithm.ES256, 64],
    ['ed', SignatureAlgorithm.EdDSA, 64],
  ])(
    'signs with %s (%s) and verifies; a tampered signature or message is invalid',
    async (alias, alg, size) => {
      const signature = await t.crypto.managed.sign(alias, DATA, alg);
      const value = Buffer.from(signature.split(':')[4], 'base64url');
      expect(value).toHaveLength(size);
      expect(await t.crypto.managed.verify(alias, DATA, signature)).toBe(true);
      expect(await t.crypto.managed.verify(alias, Buffer.from('x'), signature)).toBe(false);
      expect(await t.crypto.managed.verify(alias, DATA, flipBit(signature))).toBe(false);
    },
  );

  it('lets a third party verify with the published JWK of the version, also after rotation', async () => {
    const signature = await t.crypto.managed.sign('es', DATA);
    await t.crypto.keyring.rotateKeyring('es');
    const jwks = await t.crypto.managed.publicKeys('es');
    expect(jwks.map((k) => k.kid)).toEqual(['es:1', 'es:2']);
    const [, , alias, version, value] = signature.split(':');
    const jwk = jwks.find((k) => k.kid === `${alias}:${version}`);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    expect(
      verify('sha256', DATA, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(value, 'base64url')),
    ).toBe(true);
    expect(await t.crypto.managed.verify('es', DATA, signature)).toBe(true);
    await t.crypto.disableKeyringVersion('es', 1);
    expect((await t.crypto.managed.publicKeys('es')).map((k) => k.kid)).toEqual(['es:2']);
  });

  it('refuses keys of the wrong type and algorithms the key does not do', async () => {
    await expect(t.crypto.managed.hmac('pii', DATA)).rejects.toMatchObject({
      code: CryptoErrorCode.WrongKeyType,
    });
    await expect(t.crypto.managed.sign('macs', DATA)).rejects.toMatchObject({
      code: CryptoErrorCode.WrongKeyType,
    });
    await expect(t.crypto.managed.sign('es', DATA, SignatureAlgorithm.EdDSA)).rejects.toMatchObject(
      {
        code: CryptoErrorCode.WrongKeyType,
      },
    );
    const mac = await t.crypto.managed.hmac('macs', DATA);
    await expect(t.crypto.managed.verify('es', DATA, mac)).rejects.toMatchObject({
      code: CryptoErrorCode.Malformed,
    });
    const signature = await t.crypto.managed.sign('es', DATA);
    await expect(t.crypto.managed.verify('ed', DATA, signature)).rejects.toMatchObject({
      code: CryptoErrorCode.Malformed,
    });
    await expect(t.crypto.managed.publicKeys('macs')).rejects.toMatchObject({
      code: CryptoErrorCode.WrongKeyType,
    });
  });

  it('keeps signing secrets wrapped: the store holds 32 wrapped bytes and a public key only', async () => {
    const record = await t.store.getKeyringKey('es', 1);
    expect(record?.type).toBe(KeyringKeyType.EcdsaP256);
    expect(record?.publicKey).toBeDefined();
    t.crypto.keyring.clearCache();
    const before = t.provider.calls.unwrap;
    await t.crypto.managed.sign('es', DATA);
    expect(t.provider.calls.unwrap - before).toBe(1);
  });

  it('bounds the data size', async () => {
    await expect(
      t.crypto.managed.hmac('macs', Buffer.alloc(MAX_MANAGED_DATA_BYTES + 1)),
    ).rejects.toMatchObject({ code: CryptoErrorCode.InvalidArgument });
  });
});
