import { CryptoErrorCode } from '../src/errors/crypto-error-code.enum';
import { CryptoError } from '../src/errors/crypto-error';
import type { KeyProvider } from '../src/providers/key-provider.interface';

const CONTEXT = { purpose: 'keyring-key', alias: 'pii', version: '1' };

async function rejection(promise: Promise<unknown>): Promise<CryptoError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CryptoError) {
      return error;
    }
    throw new Error(`expected a CryptoError, got ${String(error)}`);
  }
  throw new Error('expected a rejection, the call succeeded');
}

/** The contract every KeyProvider must meet; run once per provider with a factory for it. */
export function describeKeyProviderConformance(
  name: string,
  create: () => Promise<KeyProvider>,
): void {
  describe(`KeyProvider conformance: ${name}`, () => {
    let provider: KeyProvider;

    beforeAll(async () => {
      provider = await create();
    });

    afterAll(async () => {
      await provider.close();
    });

    it('names its root key and can wrap and unwrap', () => {
      expect(provider.rootKeyId).toMatch(new RegExp(`^${provider.kind}:.+`));
      expect(provider.capabilities).toEqual({ canEncrypt: true, canDecrypt: true });
    });

    it('generates a 32-byte data key whose wrapped form unwraps to it', async () => {
      const { plaintext, wrapped } = await provider.generateDataKey(CONTEXT);
      expect(plaintext).toHaveLength(32);
      expect(wrapped.includes(plaintext)).toBe(false);
      expect((await provider.unwrapDataKey(wrapped, CONTEXT)).equals(plaintext)).toBe(true);
    });

    it('wraps a given data key non-deterministically and unwraps it', async () => {
      const key = Buffer.alloc(32, 7);
      const first = await provider.wrapDataKey(key, CONTEXT);
      const second = await provider.wrapDataKey(key, CONTEXT);
      expect(first.equals(second)).toBe(false);
      expect((await provider.unwrapDataKey(first, CONTEXT)).equals(key)).toBe(true);
      expect((await provider.unwrapDataKey(second, { ...CONTEXT })).equals(key)).toBe(true);
    });

    it('rejects a different context', async () => {
      const { wrapped } = await provider.generateDataKey(CONTEXT);
      const error = await rejection(provider.unwrapDataKey(wrapped, { ...CONTEXT, version: '2' }));
      expect(error.code).toBe(CryptoErrorCode.AuthenticationFailed);
      await rejection(provider.unwrapDataKey(wrapped, {}));
    });

    it('rejects a tampered wrapped key', async () => {
      const { wrapped } = await provider.generateDataKey(CONTEXT);
      const tampered = Buffer.from(wrapped);
      tampered[tampered.length - 1] ^= 0x01;
      const error = await rejection(provider.unwrapDataKey(tampered, CONTEXT));
      expect([CryptoErrorCode.AuthenticationFailed, CryptoErrorCode.Malformed]).toContain(
        error.code,
      );
    });

    it('rejects truncated and garbage input without a plaintext', async () => {
      const { wrapped } = await provider.generateDataKey(CONTEXT);
      await rejection(provider.unwrapDataKey(wrapped.subarray(0, wrapped.length - 1), CONTEXT));
      await rejection(provider.unwrapDataKey(Buffer.alloc(3), CONTEXT));
    });

    it('refuses to wrap a data key that is not 32 bytes', async () => {
      const error = await rejection(provider.wrapDataKey(Buffer.alloc(16), CONTEXT));
      expect(error.code).toBe(CryptoErrorCode.InvalidArgument);
    });
  });
}
