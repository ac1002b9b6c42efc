import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { SubjectKeyStatus } from './key-store.port';

describe('SubjectKeyManager and crypto-shredding', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
  });

  it('stores only a pseudonymous reference and the wrapped key, never the subject id', async () => {
    await t.crypto.fields.encrypt('x', { subjectId: 'alice@example.com' });
    const ref = t.crypto.subjects.subjectRef('alice@example.com');
    const entry = await t.store.getSubjectKey(ref);
    expect(entry?.status).toBe(SubjectKeyStatus.Active);
    expect(JSON.stringify(entry)).not.toContain('alice');
    expect(ref).not.toBe(t.crypto.subjects.subjectRef('bob@example.com'));
  });

  it('gives concurrent first uses of a subject the same key (first writer wins)', async () => {
    const sealed = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.crypto.fields.encrypt(`v${i}`, { subjectId: 'carol' }),
      ),
    );
    const keyIds = new Set(sealed.map((s) => t.crypto.fields.describe(s).subjectKeyId));
    expect(keyIds.size).toBe(1);
    t.crypto.subjects.clearCache();
    expect(await t.crypto.fields.decryptValues(sealed)).toEqual(sealed.map((_, i) => `v${i}`));
  });

  it('after shredding, ciphertexts answer Shredded (not UnknownKey), here and on a cold instance', async () => {
    const sealed = await t.crypto.fields.encrypt('gone', { subjectId: 'dave' });
    expect(await t.crypto.subjects.shred('dave')).toBe(true);
    await expect(t.crypto.fields.decrypt(sealed)).rejects.toMatchObject({
      code: CryptoErrorCode.Shredded,
    });
    t.crypto.subjects.clearCache();
    t.crypto.keyring.clearCache();
    await expect(t.crypto.fields.decrypt(sealed)).rejects.toMatchObject({
      code: CryptoErrorCode.Shredded,
    });
    const entry = await t.store.getSubjectKey(t.crypto.subjects.subjectRef('dave'));
    expect(entry).toMatchObject({ status: SubjectKeyStatus.Shredded });
    expect(entry).not.toHaveProperty('wrappedKey');
  });

  it('never creates a new key for a shredded subject', async () => {
    await t.crypto.fields.encrypt('x', { subjectId: 'erin' });
    await t.crypto.subjects.shred('erin');
    await expect(t.crypto.fields.encrypt('y', { subjectId: 'erin' })).rejects.toMatchObject({
      code: CryptoErrorCode.Shredded,
    });
    await expect(t.crypto.subjects.resolve('erin', 'pii')).rejects.toMatchObject({
      code: CryptoErrorCode.Shredded,
    });
  });

  it('shredding a subject that never had a key leaves a tombstone too', async () => {
    expect(await t.crypto.subjects.shred('frank')).toBe(false);
    await expect(t.crypto.fields.encrypt('y', { subjectId: 'frank' })).rejects.toMatchObject({
      code: CryptoErrorCode.Shredded,
    });
    expect(await t.crypto.subjects.shred('frank')).toBe(false);
  });

  it('shredding one subject leaves the others readable', async () => {
    const keep = await t.crypto.fields.encrypt('keep', { subjectId: 'gina' });
    await t.crypto.fields.encrypt('drop', { subjectId: 'hank' });
    await t.crypto.subjects.shred('hank');
    expect(await t.crypto.fields.decrypt(keep)).toBe('keep');
  });

  it('answers UnknownKey for a subject key id that never existed', async () => {
    const sealed = Buffer.from(
      await t.crypto.fields.encrypt('x', { subjectId: 'ivy' }),
      'base64url',
    );
    // header: flags, alias length, "pii", version, then the 8-byte key id
    sealed.fill(0x41, 6, 14);
    await expect(t.crypto.fields.decrypt(sealed.toString('base64url'))).rejects.toMatchObject({
      code: CryptoErrorCode.UnknownKey,
    });
  });

  it('rejects a stored subject key whose wrapping was tampered with', async () => {
    const sealed = await t.crypto.fields.encrypt('x', { subjectId: 'jack' });
    const ref = t.crypto.subjects.subjectRef('jack');
    const entry = await t.store.getSubjectKey(ref);
    if (entry?.status !== SubjectKeyStatus.Active) {
      throw new Error('expected an active key');
    }
    entry.wrappedKey[20] ^= 1;
    t.crypto.subjects.clearCache();
    await expect(t.crypto.fields.decrypt(sealed)).rejects.toMatchObject({
      code: CryptoErrorCode.AuthenticationFailed,
    });
  });

  it('zeroes a cached subject key when it is shredded', async () => {
    await t.crypto.fields.encrypt('x', { subjectId: 'kate' });
    const info = await t.crypto.subjects.resolve('kate', 'pii');
    const key = t.crypto.subjects.take(info);
    expect(key?.some((b) => b !== 0)).toBe(true);
    await t.crypto.subjects.shred('kate');
    expect(key?.every((b) => b === 0)).toBe(true);
  });
});
