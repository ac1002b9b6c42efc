import { randomBytes } from 'node:crypto';
import { EnvelopeCrypto } from '../src/envelope-crypto';
import { CryptoErrorCode } from '../src/errors/crypto-error-code.enum';
import { CryptoError } from '../src/errors/crypto-error';
import { InMemoryKeyStore } from '../src/keys/in-memory.key-store';
import { KeyringKeyType } from '../src/keys/keyring-key-type.enum';
import type { KeyProvider } from '../src/providers/key-provider.interface';
import { ProviderRegistry } from '../src/providers/provider-registry';

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

    describe('keyring keys of every type and their policy, wrapped by this provider', () => {
      const DATA = Buffer.from('Ærøskøbing 5970', 'utf8');
      let crypto: EnvelopeCrypto;
      let store: InMemoryKeyStore;

      beforeAll(async () => {
        store = new InMemoryKeyStore();
        // Not closed here: the provider belongs to the outer suite, which closes it.
        crypto = new EnvelopeCrypto({
          store,
          providers: new ProviderRegistry(provider),
          defaultAlias: 'pii',
          subjectRefSecret: randomBytes(32),
          blindIndexSecret: randomBytes(32),
        });
        await crypto.keyring.createKeyring('pii');
        await crypto.keyring.createKeyring('macs', KeyringKeyType.HmacSha256);
        await crypto.keyring.createKeyring('es', KeyringKeyType.EcdsaP256);
        await crypto.keyring.createKeyring('ed', KeyringKeyType.Ed25519);
      });

      it('stores every type as a secret wrapped under this root key', async () => {
        for (const alias of ['pii', 'macs', 'es', 'ed']) {
          const record = await store.getKeyringKey(alias, 1);
          expect(record?.rootKeyId).toBe(provider.rootKeyId);
          expect(record?.wrappedKey.length).toBeGreaterThan(32);
        }
      });

      it('makes HMACs and signatures that verify after the keys are unwrapped again by the provider', async () => {
        const mac = await crypto.managed.hmac('macs', DATA);
        const es = await crypto.managed.sign('es', DATA);
        const ed = await crypto.managed.sign('ed', DATA);
        crypto.keyring.clearCache();
        expect(await crypto.managed.hmac('macs', DATA)).toBe(mac);
        expect(await crypto.managed.verifyHmac(mac, DATA)).toBe(true);
        expect(await crypto.managed.verify('es', DATA, es)).toBe(true);
        expect(await crypto.managed.verify('ed', DATA, ed)).toBe(true);
        expect(await crypto.managed.verify('ed', Buffer.from('x'), ed)).toBe(false);
        crypto.keyring.clearCache();
        expect(await crypto.managed.verify('ed', DATA, await crypto.managed.sign('ed', DATA))).toBe(
          true,
        );
      });

      it('enforces disabled versions and the minimum decryption version for every type', async () => {
        const field = await crypto.fields.encrypt('Ærø');
        const mac = await crypto.managed.hmac('macs', DATA);
        const signature = await crypto.managed.sign('es', DATA);
        for (const alias of ['pii', 'macs', 'es']) {
          await crypto.keyring.rotateKeyring(alias);
        }
        await crypto.disableKeyringVersion('pii', 1);
        await crypto.disableKeyringVersion('macs', 1);
        await crypto.updateKeyringSettings('es', { minDecryptionVersion: 2 });
        expect((await rejection(crypto.fields.decrypt(field))).code).toBe(
          CryptoErrorCode.KeyVersionDisabled,
        );
        expect((await rejection(crypto.managed.verifyHmac(mac, DATA))).code).toBe(
          CryptoErrorCode.KeyVersionDisabled,
        );
        expect((await rejection(crypto.managed.verify('es', DATA, signature))).code).toBe(
          CryptoErrorCode.KeyVersionDisabled,
        );
        await crypto.enableKeyringVersion('pii', 1);
        expect(await crypto.fields.decrypt(field)).toBe('Ærø');
      });
    });
  });
}
