import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { KeyringKeyType } from './keyring-key-type.enum';

describe('Keyring policy: disabled versions and the minimum decryption version', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
  });

  it('refuses a field ciphertext under a disabled version at once, with the version in the reason', async () => {
    const old = await t.crypto.fields.encrypt('jürgen@example.com');
    await t.crypto.fields.decrypt(old); // the key is now cached
    await t.crypto.keyring.rotateKeyring('pii');
    await t.crypto.disableKeyringVersion('pii', 1);
    await expect(t.crypto.fields.decrypt(old)).rejects.toMatchObject({
      code: CryptoErrorCode.KeyVersionDisabled,
      message: 'key version 1 of pii is disabled',
    });
    await t.crypto.enableKeyringVersion('pii', 1);
    expect(await t.crypto.fields.decrypt(old)).toBe('jürgen@example.com');
  });

  it('refuses a subject-key ciphertext whose subject key is still wrapped under a disabled version', async () => {
    const sealed = await t.crypto.fields.encrypt('x', { subjectId: 'subject-1' });
    await t.crypto.fields.decrypt(sealed); // subject key cached
    await t.crypto.keyring.rotateKeyring('pii');
    await t.crypto.disableKeyringVersion('pii', 1);
    await expect(t.crypto.fields.decrypt(sealed)).rejects.toMatchObject({
      code: CryptoErrorCode.KeyVersionDisabled,
    });
  });

  it('refuses ciphertexts below the minimum decryption version and reads those at or above it', async () => {
    const v1 = await t.crypto.fields.encrypt('one');
    await t.crypto.keyring.rotateKeyring('pii');
    const v2 = await t.crypto.fields.encrypt('two');
    await t.crypto.updateKeyringSettings('pii', { minDecryptionVersion: 2 });
    await expect(t.crypto.fields.decrypt(v1)).rejects.toMatchObject({
      code: CryptoErrorCode.KeyVersionDisabled,
      message: 'key version 1 of pii is below its minimum decryption version 2',
    });
    expect(await t.crypto.fields.decrypt(v2)).toBe('two');
  });

  it('never disables the active version and never sets the minimum above it', async () => {
    await expect(t.crypto.disableKeyringVersion('pii', 1)).rejects.toMatchObject({
      code: CryptoErrorCode.ActiveVersionLocked,
    });
    await expect(
      t.crypto.updateKeyringSettings('pii', { minDecryptionVersion: 2 }),
    ).rejects.toMatchObject({ code: CryptoErrorCode.SettingsRejected });
    await expect(t.crypto.disableKeyringVersion('pii', 7)).rejects.toMatchObject({
      code: CryptoErrorCode.UnknownKey,
    });
    await expect(t.crypto.disableKeyringVersion('nope', 1)).rejects.toMatchObject({
      code: CryptoErrorCode.UnknownKey,
    });
  });

  it('merges settings: changing the period keeps the minimum', async () => {
    await t.crypto.keyring.rotateKeyring('pii');
    await t.crypto.updateKeyringSettings('pii', { minDecryptionVersion: 2 });
    expect(await t.crypto.updateKeyringSettings('pii', { autoRotatePeriodSeconds: 3600 })).toEqual({
      minDecryptionVersion: 2,
      autoRotatePeriodSeconds: 3600,
    });
  });

  it('applies to blobs as well', async () => {
    const blob = await buffer(t.crypto.blobs.encrypt(Readable.from([Buffer.from('file')])));
    await t.crypto.keyring.rotateKeyring('pii');
    await t.crypto.disableKeyringVersion('pii', 1);
    await expect(buffer(t.crypto.blobs.decrypt(Readable.from([blob])))).rejects.toMatchObject({
      code: CryptoErrorCode.KeyVersionDisabled,
    });
    await t.crypto.enableKeyringVersion('pii', 1);
    expect((await buffer(t.crypto.blobs.decrypt(Readable.from([blob])))).toString()).toBe('file');
  });

  it('refuses field encryption under a key of another type', async () => {
    await t.crypto.keyring.createKeyring('macs', KeyringKeyType.HmacSha256);
    await expect(t.crypto.fields.encrypt('x', { keyAlias: 'macs' })).rejects.toMatchObject({
      code: CryptoErrorCode.WrongKeyType,
    });
  });
});
