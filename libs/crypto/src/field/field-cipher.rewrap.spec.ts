import { randomBytes } from 'node:crypto';
import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { codeOf } from '../../test-support/error-code';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { EnvelopeCrypto } from '../envelope-crypto';
import { ProviderRegistry } from '../providers/provider-registry';

const context = { table: 'customers' };

describe('FieldCipher.rewrapMany', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
  });

  it('moves keyring fields to the active version after a rotation, values unchanged', async () => {
    const sealed = await t.crypto.fields.encryptMany(
      { email: 'zoë@example.com', city: 'Kraków' },
      { context },
    );
    await t.crypto.keyring.rotateKeyring('pii');
    const rewrapped = await t.crypto.fields.rewrapMany(sealed, { context });
    expect(Object.keys(rewrapped)).toEqual(['email', 'city']);
    expect(t.crypto.fields.describe(rewrapped.email).keyringVersion).toBe(2);
    expect(t.crypto.fields.describe(rewrapped.city).keyringVersion).toBe(2);
    expect(await t.crypto.fields.decryptMany(rewrapped, { context })).toEqual({
      email: 'zoë@example.com',
      city: 'Kraków',
    });
  });

  it('re-seals with a fresh nonce even when the field is already under the active version', async () => {
    const sealed = await t.crypto.fields.encrypt('x', { context });
    const [again] = await t.crypto.fields.rewrapValues([sealed], { context });
    expect(again).not.toBe(sealed);
    expect(await t.crypto.fields.decrypt(again, { context })).toBe('x');
  });

  it("keeps a subject's field under that subject's key", async () => {
    const sealed = await t.crypto.fields.encrypt('secret', { subjectId: 'subject-1', context });
    await t.crypto.keyring.rotateKeyring('pii');
    const [rewrapped] = await t.crypto.fields.rewrapValues([sealed], { context });
    expect(t.crypto.fields.describe(rewrapped).subjectKeyId).toBe(
      t.crypto.fields.describe(sealed).subjectKeyId,
    );
    await t.crypto.subjects.shred('subject-1');
    expect(await codeOf(t.crypto.fields.decrypt(rewrapped, { context }))).toBe(
      CryptoErrorCode.Shredded,
    );
  });

  it('answers Shredded for a field of a shredded subject', async () => {
    const sealed = await t.crypto.fields.encrypt('secret', { subjectId: 'subject-2' });
    await t.crypto.subjects.shred('subject-2');
    expect(await codeOf(t.crypto.fields.rewrapValues([sealed]))).toBe(CryptoErrorCode.Shredded);
  });

  it('rejects a wrong context and a tampered ciphertext as authentication failures', async () => {
    const sealed = await t.crypto.fields.encrypt('x', { context });
    expect(await codeOf(t.crypto.fields.rewrapValues([sealed], { context: { table: 'y' } }))).toBe(
      CryptoErrorCode.AuthenticationFailed,
    );
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(
      await codeOf(t.crypto.fields.rewrapValues([bytes.toString('base64url')], { context })),
    ).toBe(CryptoErrorCode.AuthenticationFailed);
  });

  it('rejects what is not a field ciphertext as Malformed', async () => {
    expect(await codeOf(t.crypto.fields.rewrapValues(['not a ciphertext']))).toBe(
      CryptoErrorCode.Malformed,
    );
  });

  it('works from a cold cache in another instance that never saw the keys', async () => {
    const sealed = await t.crypto.fields.encryptMany({ a: '1', b: '2' }, { context });
    await t.crypto.keyring.rotateKeyring('pii');
    const cold = new EnvelopeCrypto({
      store: t.store,
      providers: new ProviderRegistry(t.provider),
      defaultAlias: 'pii',
      subjectRefSecret: randomBytes(32),
      blindIndexSecret: randomBytes(32),
    });
    const rewrapped = await cold.fields.rewrapMany(sealed, { context });
    expect(cold.fields.describe(rewrapped.a).keyringVersion).toBe(2);
    expect(await t.crypto.fields.decryptMany(rewrapped, { context })).toEqual({ a: '1', b: '2' });
  });
});
