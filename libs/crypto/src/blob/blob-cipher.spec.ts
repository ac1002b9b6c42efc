import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  buildClient,
  CommitmentPolicy,
  MultiKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { createTestCrypto, type TestCrypto } from '../../test-support/envelope-crypto.fixture';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { BLOB_KEY_NAMESPACE } from './hierarchy.keyring';

const MB = 1024 * 1024;

/** A lazily generated pseudo-random stream that records how far it has been read. */
function source(
  totalBytes: number,
  seed = 'blob',
): { stream: Readable; produced: () => number; digest: () => string } {
  let produced = 0;
  const hash = createHash('sha256');
  let block = createHash('sha256').update(seed).digest();
  const stream = new Readable({
    read() {
      if (produced >= totalBytes) {
        this.push(null);
        return;
      }
      const chunk = Buffer.alloc(Math.min(64 * 1024, totalBytes - produced));
      for (let i = 0; i < chunk.length; i += 32) {
        block = createHash('sha256').update(block).digest();
        block.copy(chunk, i);
      }
      produced += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, produced: () => produced, digest: () => hash.digest('hex') };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

describe('BlobCipher', () => {
  let t: TestCrypto;

  beforeEach(async () => {
    t = await createTestCrypto();
  });

  it('round-trips a multi-MB stream with bounded buffering', async () => {
    const input = source(8 * MB);
    const encrypted = t.crypto.blobs.encrypt(input.stream, { context: { export: 'req-1' } });
    let consumed = 0;
    let maxInFlight = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of encrypted) {
      consumed += (chunk as Buffer).length;
      maxInFlight = Math.max(maxInFlight, input.produced() - consumed);
      chunks.push(chunk as Buffer);
    }
    const message = Buffer.concat(chunks);
    expect(message.length).toBeGreaterThan(8 * MB);
    // Streaming, not buffering: the source is never far ahead of the consumer.
    expect(maxInFlight).toBeLessThan(2 * MB);

    const decrypted = await collect(
      t.crypto.blobs.decrypt(Readable.from([message]), { context: { export: 'req-1' } }),
    );
    expect(createHash('sha256').update(decrypted).digest('hex')).toBe(input.digest());
  });

  it('writes the standard message format: any AWS Encryption SDK with the keyring key decrypts it', async () => {
    const message = await collect(
      t.crypto.blobs.encrypt(Readable.from([Buffer.from('hello blob')])),
    );
    const key = t.crypto.keyring.take('pii', 1);
    expect(key).toBeDefined();
    const keyring = new RawAesKeyringNode({
      keyNamespace: BLOB_KEY_NAMESPACE,
      keyName: 'pii#1',
      unencryptedMasterKey: new Uint8Array(key as Buffer),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const { plaintext, messageHeader } = await decrypt(keyring, message);
    expect(Buffer.from(plaintext).toString()).toBe('hello blob');
    expect(messageHeader.suiteId).toBe(0x0478);
  });

  it('rejects a blob with one byte altered in the middle', async () => {
    const message = await collect(t.crypto.blobs.encrypt(source(2 * MB).stream));
    message[Math.floor(message.length / 2)] ^= 0x01;
    const error: unknown = await collect(t.crypto.blobs.decrypt(Readable.from([message]))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as CryptoError).code).toBe(CryptoErrorCode.AuthenticationFailed);
  });

  it('rejects a truncated blob', async () => {
    const message = await collect(t.crypto.blobs.encrypt(source(300 * 1024).stream));
    await expect(
      collect(t.crypto.blobs.decrypt(Readable.from([message.subarray(0, message.length - 100)]))),
    ).rejects.toBeInstanceOf(CryptoError);
  });

  it('rejects a blob whose context differs from the expected one', async () => {
    const message = await collect(
      t.crypto.blobs.encrypt(Readable.from([Buffer.from('x')]), { context: { export: 'a' } }),
    );
    await expect(
      collect(t.crypto.blobs.decrypt(Readable.from([message]), { context: { export: 'b' } })),
    ).rejects.toMatchObject({
      code: CryptoErrorCode.AuthenticationFailed,
      message: expect.stringContaining('context does not match') as string,
    });
  });

  it('refuses messages with more encrypted data keys than the cap', async () => {
    const key = Buffer.from(t.crypto.keyring.take('pii', 1) as Buffer);
    const ours = new RawAesKeyringNode({
      keyNamespace: BLOB_KEY_NAMESPACE,
      keyName: 'pii#1',
      unencryptedMasterKey: new Uint8Array(key),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const other = new RawAesKeyringNode({
      keyNamespace: 'someone-else',
      keyName: 'k',
      unencryptedMasterKey: new Uint8Array(randomBytes(32)),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const { result } = await encrypt(
      new MultiKeyringNode({ generator: ours, children: [other] }),
      Buffer.from('two'),
    );
    await expect(collect(t.crypto.blobs.decrypt(Readable.from([result])))).rejects.toMatchObject({
      code: CryptoErrorCode.AuthenticationFailed,
      message: expect.stringContaining('maxEncryptedDataKeys') as string,
    });
  });
});
