import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { codeOf } from '../../test-support/error-code';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';

const context = { bucket: 'invoices', object: 'inv-2026-001.pdf' };

describe('DataKeyCipher', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
  });

  it.each([16, 24, 32])('generates a %i-byte key that unwraps to the same bytes', async (bytes) => {
    const generated = await t.crypto.dataKeys.generate({ bytes, context });
    expect(generated.plaintext).toHaveLength(bytes);
    const unwrapped = await t.crypto.dataKeys.unwrap(generated.wrapped, { context });
    expect(unwrapped.plaintext.equals(generated.plaintext)).toBe(true);
  });

  it('defaults to 32 bytes and refuses other sizes', async () => {
    expect((await t.crypto.dataKeys.generate()).plaintext).toHaveLength(32);
    expect(await codeOf(t.crypto.dataKeys.generate({ bytes: 20 }))).toBe(
      CryptoErrorCode.InvalidArgument,
    );
  });

  it('is self-describing: format, alias and keyring version', async () => {
    await t.crypto.keyring.createKeyring('billing');
    await t.crypto.keyring.rotateKeyring('billing');
    const { wrapped } = await t.crypto.dataKeys.generate({ keyAlias: 'billing' });
    expect(t.crypto.dataKeys.describe(wrapped)).toEqual({
      formatVersion: 1,
      alias: 'billing',
      keyringVersion: 2,
    });
  });

  it('rejects a wrong or missing context and any tampering as authentication failures', async () => {
    const { wrapped } = await t.crypto.dataKeys.generate({ context });
    expect(await codeOf(t.crypto.dataKeys.unwrap(wrapped))).toBe(
      CryptoErrorCode.AuthenticationFailed,
    );
    expect(
      await codeOf(t.crypto.dataKeys.unwrap(wrapped, { context: { ...context, object: 'x' } })),
    ).toBe(CryptoErrorCode.AuthenticationFailed);
    const bytes = Buffer.from(wrapped, 'base64url');
    for (const index of [bytes.length - 1, bytes.length - 20]) {
      const copy = Buffer.from(bytes);
      copy[index] ^= 0x01;
      expect(await codeOf(t.crypto.dataKeys.unwrap(copy.toString('base64url'), { context }))).toBe(
        CryptoErrorCode.AuthenticationFailed,
      );
    }
  });

  it('neither a field ciphertext nor a data key passes for the other', async () => {
    const field = await t.crypto.fields.encrypt('x'.repeat(32));
    const { wrapped } = await t.crypto.dataKeys.generate();
    expect(await codeOf(t.crypto.dataKeys.unwrap(field))).toBe(CryptoErrorCode.Malformed);
    expect(await codeOf(t.crypto.fields.decrypt(wrapped))).toBe(CryptoErrorCode.Malformed);
  });

  it('still unwraps a key wrapped before a rotation', async () => {
    const generated = await t.crypto.dataKeys.generate();
    await t.crypto.keyring.rotateKeyring('pii');
    expect(t.crypto.dataKeys.describe((await t.crypto.dataKeys.generate()).wrapped)).toMatchObject({
      keyringVersion: 2,
    });
    const unwrapped = await t.crypto.dataKeys.unwrap(generated.wrapped);
    expect(unwrapped.plaintext.equals(generated.plaintext)).toBe(true);
  });

  it('answers UnknownKey for an alias that does not exist', async () => {
    expect(await codeOf(t.crypto.dataKeys.generate({ keyAlias: 'nope' }))).toBe(
      CryptoErrorCode.UnknownKey,
    );
  });

  it('calls the root provider for keyring keys only, never per data key', async () => {
    t.crypto.keyring.clearCache();
    const before = t.provider.calls.unwrap;
    for (let i = 0; i < 20; i += 1) {
      await t.crypto.dataKeys.unwrap((await t.crypto.dataKeys.generate()).wrapped);
    }
    expect(t.provider.calls.unwrap - before).toBe(1);
  });
});
