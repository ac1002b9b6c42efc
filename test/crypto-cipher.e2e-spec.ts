import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { FieldCryptoError, FieldCryptoErrorCode } from 'src/crypto/crypto.error';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { createTestApp, TestApp } from './support/test-app';

describe('PersonalDataCipher', () => {
  let t: TestApp;
  let cipher: PersonalDataCipher;

  beforeAll(async () => {
    t = await createTestApp();
    cipher = t.app.get(PersonalDataCipher);
  });
  afterAll(() => t.close());

  const failure = async (p: Promise<unknown>): Promise<FieldCryptoError> => {
    const error: unknown = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FieldCryptoError);
    return error as FieldCryptoError;
  };

  it('round-trips a value bound to its context, and refuses another context with 422', async () => {
    const context = { table: 'consents', column: 'subject_id' };
    const sealed = await cipher.encrypt('jane@example.com', { context });
    expect(sealed).not.toContain('jane');
    await expect(cipher.decrypt(sealed, { context })).resolves.toBe('jane@example.com');
    const wrong = await failure(cipher.decrypt(sealed, { context: { table: 'other' } }));
    expect(wrong.code).toBe(FieldCryptoErrorCode.AuthenticationFailed);
    expect(wrong.status).toBe(422);
  });

  it('shreds a subject: its values answer 410 and no new key replaces the old one', async () => {
    const subjectId = `subject-${randomUUID()}`;
    const sealed = await cipher.encrypt('private note', { subjectId });
    await expect(cipher.decrypt(sealed)).resolves.toBe('private note');
    await cipher.shredSubject(subjectId);
    const gone = await failure(cipher.decrypt(sealed));
    expect(gone.code).toBe(FieldCryptoErrorCode.Shredded);
    expect(gone.status).toBe(410);
    expect((await failure(cipher.encrypt('again', { subjectId }))).status).toBe(410);
  });

  it('computes blind indexes that ignore case and surrounding space, and differ per field', () => {
    const a = cipher.blindIndex('email', '  Jane@Example.COM ');
    expect(a).toBe(cipher.blindIndex('email', 'jane@example.com'));
    expect(a).not.toBe(cipher.blindIndex('request_email', 'jane@example.com'));
    expect(a).not.toContain('jane');
  });

  it('streams a blob through encryption and back, and refuses a different context', async () => {
    const payload = Buffer.alloc(200_000, 'export-line\n');
    const context = { requestId: randomUUID() };
    const sealed = await buffer(cipher.encryptStream(Readable.from([payload]), context));
    expect(sealed.includes(Buffer.from('export-line'))).toBe(false);
    const opened = await buffer(cipher.decryptStream(Readable.from([sealed]), context));
    expect(opened.equals(payload)).toBe(true);
    const refused = await buffer(
      cipher.decryptStream(Readable.from([sealed]), { requestId: 'other' }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(FieldCryptoError);
    expect((refused as FieldCryptoError).status).toBe(422);
  });
});
