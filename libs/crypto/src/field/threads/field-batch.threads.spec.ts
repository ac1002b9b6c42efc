import { setTimeout as sleep } from 'node:timers/promises';
import { createTestCrypto, type TestCrypto } from '../../../test-support/envelope-crypto.fixture';
import { codeOf } from '../../../test-support/error-code';
import { CryptoErrorCode } from '../../errors/crypto-error-code.enum';
import { FieldCipher, THREADED_BATCH_FIELDS } from '../field-cipher';
import { FieldCiphertextCodec } from '../field-ciphertext.codec';
import { CryptoThreadLost, FieldBatchThreads } from './field-batch.threads';

async function online(threads: FieldBatchThreads): Promise<void> {
  for (let waited = 0; !threads.ready(); waited += 20) {
    if (waited > 30_000) {
      throw new Error('the crypto thread did not come online');
    }
    await sleep(20);
  }
}

const values = (n: number, tag = 'v'): string[] =>
  Array.from({ length: n }, (_, i) => `${tag}${i} Zoë Łukasz 山田 🙂`);

describe('FieldBatchThreads', () => {
  let t: TestCrypto;
  let threads: FieldBatchThreads;
  /** The same keys as t.crypto.fields, with a thread for large batches. */
  let threaded: FieldCipher;

  beforeAll(async () => {
    t = await createTestCrypto();
    threads = new FieldBatchThreads(1);
    await online(threads);
  });

  beforeEach(() => {
    threaded = new FieldCipher({
      keyring: t.crypto.keyring,
      subjects: t.crypto.subjects,
      defaultAlias: 'pii',
      threads,
    });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(() => threads.close());

  it('starts its threads on the first ask and says ready once they are online', async () => {
    const fresh = new FieldBatchThreads(1);
    try {
      expect(fresh.ready()).toBe(false);
      await online(fresh);
      expect(fresh.ready()).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('seals a large batch on a thread that the inline cipher opens, and the reverse', async () => {
    const seal = jest.spyOn(threads, 'seal');
    const open = jest.spyOn(threads, 'open');
    const context = { table: 'users', column: 'name' };
    const plain = values(THREADED_BATCH_FIELDS);

    const sealedThere = await threaded.encryptValues(plain, { context });
    expect(await t.crypto.fields.decryptValues(sealedThere, { context })).toEqual(plain);

    const sealedHere = await t.crypto.fields.encryptValues(plain, { context });
    expect(await threaded.decryptValues(sealedHere, { context })).toEqual(plain);

    expect(seal).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('keeps a batch below the threshold inline', async () => {
    const seal = jest.spyOn(threads, 'seal');
    const open = jest.spyOn(threads, 'open');
    const plain = values(THREADED_BATCH_FIELDS - 1);
    expect(await threaded.decryptValues(await threaded.encryptValues(plain))).toEqual(plain);
    expect(seal).not.toHaveBeenCalled();
    expect(open).not.toHaveBeenCalled();
  });

  it('opens one batch mixing keyring versions, aliases and subject keys', async () => {
    await t.crypto.keyring.createKeyring('orders');
    const plains = [
      values(40, 'a'),
      values(40, 'b'),
      values(10, 'c'),
      values(10, 'd'),
      values(10, 'e'),
    ];
    const v1 = await t.crypto.fields.encryptValues(plains[0]);
    await t.crypto.keyring.rotateKeyring('pii');
    const v2 = await t.crypto.fields.encryptValues(plains[1]);
    const orders = await t.crypto.fields.encryptValues(plains[2], { keyAlias: 'orders' });
    const jane = await t.crypto.fields.encryptValues(plains[3], { subjectId: 'jane' });
    const john = await t.crypto.fields.encryptValues(plains[4], { subjectId: 'john' });
    const groups = [v1, v2, orders, jane, john];
    const mixed: string[] = [];
    const expected: string[] = [];
    // Interleaved, so that neighbours rarely share a header.
    for (let i = 0; i < 40; i += 1) {
      groups.forEach((group, g) => {
        if (i < group.length) {
          mixed.push(group[i]);
          expected.push(plains[g][i]);
        }
      });
    }
    const open = jest.spyOn(threads, 'open');
    expect(await threaded.decryptValues(mixed)).toEqual(expected);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('fails a batch with a tampered field, or under another context, as AUTHENTICATION_FAILED', async () => {
    const sealed = await t.crypto.fields.encryptValues(values(100), { context: { t: 'a' } });
    const bytes = Buffer.from(sealed[57], 'base64url');
    bytes[bytes.length - 1] ^= 0x01;
    const tampered = [...sealed];
    tampered[57] = bytes.toString('base64url');
    expect(await codeOf(threaded.decryptValues(tampered, { context: { t: 'a' } }))).toBe(
      CryptoErrorCode.AuthenticationFailed,
    );
    expect(await codeOf(threaded.decryptValues(sealed, { context: { t: 'b' } }))).toBe(
      CryptoErrorCode.AuthenticationFailed,
    );
  });

  it('fails a batch with a truncated or non-base64url field as MALFORMED', async () => {
    const sealed = await t.crypto.fields.encryptValues(values(100));
    const truncated = [...sealed];
    truncated[80] = sealed[80].slice(0, 30);
    const foreign = [...sealed];
    foreign[3] = `${sealed[3].slice(0, 20)}é${sealed[3].slice(21)}`;
    expect(await codeOf(threaded.decryptValues(truncated))).toBe(CryptoErrorCode.Malformed);
    expect(await codeOf(threaded.decryptValues(foreign))).toBe(CryptoErrorCode.Malformed);
  });

  it("fails a batch holding a shredded subject's field as SHREDDED", async () => {
    const sealed = await t.crypto.fields.encryptValues(values(70), { subjectId: 'gone' });
    await t.crypto.subjects.shred('gone');
    const batch = [...(await t.crypto.fields.encryptValues(values(10))), ...sealed];
    expect(await codeOf(threaded.decryptValues(batch))).toBe(CryptoErrorCode.Shredded);
  });

  it('leaves the cached key intact: the thread zeroes only the copy it was given', async () => {
    const plain = values(200);
    await threaded.encryptValues(plain);
    await threaded.decryptValues(await threaded.encryptValues(plain));
    expect(await t.crypto.fields.decrypt(await t.crypto.fields.encrypt('still here'))).toBe(
      'still here',
    );
  });

  it('fails a batch in flight when its thread stops, and starts a fresh thread when asked', async () => {
    const own = new FieldBatchThreads(1);
    try {
      await online(own);
      const batch = {
        key: Buffer.alloc(32, 7),
        header: FieldCiphertextCodec.encodeHeader('pii', 1),
        aad: Buffer.alloc(0),
        values: values(1000),
      };
      const inFlight = own.seal(batch);
      const stopped = own.close();
      await expect(inFlight).rejects.toBeInstanceOf(CryptoThreadLost);
      await stopped;
      await online(own);
      expect(await own.seal(batch)).toHaveLength(1000);
    } finally {
      await own.close();
    }
  });

  it('reports a thread that fails unasked, naming its error type only', async () => {
    const lost: CryptoThreadLost[] = [];
    const own = new FieldBatchThreads(1, (error) => lost.push(error));
    try {
      await online(own);
      // A value that is not a string makes the thread throw a TypeError: a defect, not a CryptoError.
      const batch = {
        key: Buffer.alloc(32, 7),
        header: FieldCiphertextCodec.encodeHeader('pii', 1),
        aad: Buffer.alloc(0),
        values: [{ secret: 'jane@example.com' } as unknown as string],
      };
      await expect(own.seal(batch)).rejects.toBeInstanceOf(CryptoThreadLost);
      expect(lost.map((error) => error.message)).toEqual(['crypto thread failed with TypeError']);
      expect(JSON.stringify(lost, Object.getOwnPropertyNames(lost[0]))).not.toContain('jane');
      await online(own);
      await own.close();
      expect(lost).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it('finishes inline a batch whose thread stopped under it', async () => {
    const own = new FieldBatchThreads(1);
    try {
      await online(own);
      const cipher = new FieldCipher({
        keyring: t.crypto.keyring,
        subjects: t.crypto.subjects,
        defaultAlias: 'pii',
        threads: own,
      });
      const plain = values(1000);
      const sealed = await t.crypto.fields.encryptValues(plain);
      // Each hands its batch over, then stops the thread under it.
      const stopping =
        <B>(send: (batch: B) => Promise<string[]> | undefined) =>
        (batch: B) => {
          const sent = send(batch);
          void own.close();
          return sent;
        };
      const seal = stopping(own.seal.bind(own));
      const open = stopping(own.open.bind(own));
      jest.spyOn(own, 'seal').mockImplementationOnce(seal);
      jest.spyOn(own, 'open').mockImplementationOnce(open);
      expect(await t.crypto.fields.decryptValues(await cipher.encryptValues(plain))).toEqual(plain);
      await online(own);
      expect(await cipher.decryptValues(sealed)).toEqual(plain);
      expect(own.seal).toHaveBeenCalledTimes(1);
      expect(own.open).toHaveBeenCalledTimes(1);
    } finally {
      await own.close();
    }
  });
});
