import * as fc from 'fast-check';
import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { codeOf } from '../../test-support/error-code';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { EncryptionContextCodec } from './encryption-context.codec';
import { FieldCiphertextCodec } from './field-ciphertext.codec';

const contextArb = fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 24 }), {
  maxKeys: 4,
});

describe('FieldCipher', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
  });

  it('round-trips a field and produces a different ciphertext each time', async () => {
    const a = await t.crypto.fields.encrypt('alice@example.com', { context: { table: 'users' } });
    const b = await t.crypto.fields.encrypt('alice@example.com', { context: { table: 'users' } });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await t.crypto.fields.decrypt(a, { context: { table: 'users' } })).toBe(
      'alice@example.com',
    );
  });

  it('is self-describing: format version, alias, keyring version', async () => {
    const sealed = await t.crypto.fields.encrypt('x');
    expect(t.crypto.fields.describe(sealed)).toEqual({
      formatVersion: 1,
      alias: 'pii',
      keyringVersion: 1,
      subjectKeyId: undefined,
    });
  });

  it('counts the alias each ciphertext names, leaving unreadable ones out', async () => {
    await t.crypto.keyring.createKeyring('orders');
    const pii = await t.crypto.fields.encryptValues(['a', 'b', 'c']);
    const orders = await t.crypto.fields.encryptValues(['d', 'e'], { keyAlias: 'orders' });
    const subject = await t.crypto.fields.encrypt('f', { subjectId: 'subject-1' });
    const counts = t.crypto.fields.aliasCounts([
      pii[0],
      pii[1],
      orders[0],
      'not base64url!',
      orders[1],
      pii[2],
      subject,
      '',
    ]);
    expect(Object.fromEntries(counts)).toEqual({ pii: 4, orders: 2 });
  });

  it('adds less than 48 bytes to the plaintext before base64url, with and without a subject key', async () => {
    const plaintext = 'x'.repeat(64);
    const plain = Buffer.from(await t.crypto.fields.encrypt(plaintext), 'base64url');
    const subject = Buffer.from(
      await t.crypto.fields.encrypt(plaintext, { subjectId: 'subject-1' }),
      'base64url',
    );
    // header 2 + alias 3 + version 1 (+ key id 8) + nonce 12 + tag 16
    expect(plain.length - 64).toBe(34);
    expect(subject.length - 64).toBe(42);
    expect(subject.length - 64).toBeLessThan(48);
  });

  it('rejects a wrong or missing context as an authentication failure', async () => {
    const sealed = await t.crypto.fields.encrypt('secret', { context: { tenant: 'a' } });
    expect(await codeOf(t.crypto.fields.decrypt(sealed, { context: { tenant: 'b' } }))).toBe(
      CryptoErrorCode.AuthenticationFailed,
    );
    expect(await codeOf(t.crypto.fields.decrypt(sealed))).toBe(
      CryptoErrorCode.AuthenticationFailed,
    );
  });

  it('binds the context canonically: key order does not matter', async () => {
    const sealed = await t.crypto.fields.encrypt('v', { context: { a: '1', b: '2' } });
    expect(await t.crypto.fields.decrypt(sealed, { context: { b: '2', a: '1' } })).toBe('v');
    expect(
      EncryptionContextCodec.canonical({ ab: 'c' }).equals(
        EncryptionContextCodec.canonical({ a: 'bc' }),
      ),
    ).toBe(false);
  });

  it.each([
    ['empty string', ''],
    ['not base64url', 'abc$def'],
    ['padding', 'AAAA='],
    ['impossible length', 'AAAAA'],
    ['too short', Buffer.alloc(20).toString('base64url')],
    [
      'wrong format version',
      Buffer.concat([Buffer.from([0x20, 3]), Buffer.from('pii'), Buffer.alloc(40)]).toString(
        'base64url',
      ),
    ],
    [
      'unknown flag',
      Buffer.concat([Buffer.from([0x12, 3]), Buffer.from('pii'), Buffer.alloc(40)]).toString(
        'base64url',
      ),
    ],
    [
      'bad alias byte',
      Buffer.concat([Buffer.from([0x10, 3]), Buffer.from('p/i'), Buffer.alloc(40)]).toString(
        'base64url',
      ),
    ],
    [
      'version zero',
      Buffer.concat([Buffer.from([0x10, 3]), Buffer.from('pii'), Buffer.alloc(40)]).toString(
        'base64url',
      ),
    ],
  ])('fails closed on a malformed ciphertext (%s)', async (_name, input) => {
    expect(await codeOf(t.crypto.fields.decrypt(input))).toBe(CryptoErrorCode.Malformed);
  });

  it('rejects a non-canonical base64url spelling of a valid ciphertext', async () => {
    const sealed = await t.crypto.fields.encrypt('abc');
    expect(sealed.length % 4).not.toBe(0);
    const last = sealed[sealed.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1];
    const variant = sealed.slice(0, -1) + sibling;
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(sealed, 'base64url'))).toBe(true);
    expect(await codeOf(t.crypto.fields.decrypt(variant))).toBe(CryptoErrorCode.Malformed);
  });

  it('answers UnknownKey for a keyring version or alias that does not exist', async () => {
    const sealed = Buffer.from(await t.crypto.fields.encrypt('v'), 'base64url');
    const header = FieldCiphertextCodec.encodeHeader('pii', 9);
    const forged = Buffer.concat([header, sealed.subarray(6)]).toString('base64url');
    expect(await codeOf(t.crypto.fields.decrypt(forged))).toBe(CryptoErrorCode.UnknownKey);
    const otherAlias = Buffer.concat([
      FieldCiphertextCodec.encodeHeader('nope', 1),
      sealed.subarray(6),
    ]);
    expect(await codeOf(t.crypto.fields.decrypt(otherAlias.toString('base64url')))).toBe(
      CryptoErrorCode.UnknownKey,
    );
  });

  it('encrypts and decrypts batches, keeping field names (including awkward ones)', async () => {
    const fields = { email: 'a@b.c', ['__proto__']: 'p', name: 'Zoë' };
    const sealed = await t.crypto.fields.encryptMany(fields, { context: { row: '7' } });
    expect(Object.keys(sealed).sort()).toEqual(['__proto__', 'email', 'name']);
    expect(await t.crypto.fields.decryptMany(sealed, { context: { row: '7' } })).toEqual(fields);
  });

  it('decrypts a batch mixing keyring and subject ciphertexts under one context', async () => {
    const context = { row: '7' };
    const plain = await t.crypto.fields.encryptMany({ a: 'one', b: 'two' }, { context });
    const subject = await t.crypto.fields.encryptMany(
      { c: 'three' },
      { context, subjectId: 's-1' },
    );
    const mixed = { a: plain.a, c: subject.c, b: plain.b };
    expect(await t.crypto.fields.decryptMany(mixed, { context })).toEqual({
      a: 'one',
      c: 'three',
      b: 'two',
    });
    await expect(
      t.crypto.fields.decryptMany(mixed, { context: { row: '8' } }),
    ).rejects.toMatchObject({ code: CryptoErrorCode.AuthenticationFailed });
  });

  it('seals under the subject key and decrypts without being told the subject', async () => {
    const sealed = await t.crypto.fields.encrypt('data', { subjectId: 'alice@example.com' });
    expect(t.crypto.fields.describe(sealed).subjectKeyId).toMatch(/^[A-Za-z0-9_-]{11}$/);
    t.crypto.subjects.clearCache();
    expect(await t.crypto.fields.decrypt(sealed)).toBe('data');
  });

  it('calls the provider once per keyring key unwrap, not per field', async () => {
    const sealed = await t.crypto.fields.encryptValues(
      Array.from({ length: 200 }, (_, i) => `v${i}`),
    );
    t.crypto.keyring.clearCache();
    const before = t.provider.calls.unwrap;
    await Promise.all([
      t.crypto.fields.decryptValues(sealed.slice(0, 100)),
      t.crypto.fields.decryptValues(sealed.slice(100)),
    ]);
    for (const value of sealed.slice(0, 10)) {
      await t.crypto.fields.decrypt(value);
    }
    expect(t.provider.calls.unwrap - before).toBe(1);
  });

  it('refuses a string with a lone surrogate instead of corrupting it', async () => {
    expect(await codeOf(t.crypto.fields.encrypt('a\uD800b'))).toBe(CryptoErrorCode.InvalidArgument);
    expect(await t.crypto.fields.decrypt(await t.crypto.fields.encrypt('\uD83D\uDE00'))).toBe(
      '\uD83D\uDE00',
    );
  });

  describe('properties', () => {
    it('round-trips any string under any context', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'binary', maxLength: 200 }),
          contextArb,
          async (value, context) => {
            // 'binary' covers every code point, astral ones as surrogate pairs.
            const sealed = await t.crypto.fields.encrypt(value, { context });
            expect(await t.crypto.fields.decrypt(sealed, { context })).toBe(value);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('rejects any single-bit flip anywhere in the ciphertext', async () => {
      const sealed = Buffer.from(
        await t.crypto.fields.encrypt('flip me', { context: { k: 'v' } }),
        'base64url',
      );
      await fc.assert(
        fc.asyncProperty(fc.nat(sealed.length * 8 - 1), async (bit) => {
          const tampered = Buffer.from(sealed);
          tampered[bit >> 3] ^= 1 << (bit & 7);
          const code = await codeOf(
            t.crypto.fields.decrypt(tampered.toString('base64url'), { context: { k: 'v' } }),
          );
          expect([
            CryptoErrorCode.AuthenticationFailed,
            CryptoErrorCode.Malformed,
            CryptoErrorCode.UnknownKey,
          ]).toContain(code);
        }),
        { numRuns: 400 },
      );
    });

    it('every bit flip of a subject-key ciphertext is rejected too (exhaustive)', async () => {
      const sealed = Buffer.from(
        await t.crypto.fields.encrypt('s', { subjectId: 'bob' }),
        'base64url',
      );
      for (let bit = 0; bit < sealed.length * 8; bit += 1) {
        const tampered = Buffer.from(sealed);
        tampered[bit >> 3] ^= 1 << (bit & 7);
        const code = await codeOf(t.crypto.fields.decrypt(tampered.toString('base64url')));
        expect({ bit, rejected: code !== 'resolved' }).toEqual({ bit, rejected: true });
      }
    });

    it('rejects any change of context', async () => {
      await fc.assert(
        fc.asyncProperty(contextArb, contextArb, fc.string(), async (original, changed, value) => {
          fc.pre(
            !EncryptionContextCodec.canonical(original).equals(
              EncryptionContextCodec.canonical(changed),
            ),
          );
          const sealed = await t.crypto.fields.encrypt(value, { context: original });
          expect(await codeOf(t.crypto.fields.decrypt(sealed, { context: changed }))).toBe(
            CryptoErrorCode.AuthenticationFailed,
          );
        }),
        { numRuns: 300 },
      );
    });
  });
});
