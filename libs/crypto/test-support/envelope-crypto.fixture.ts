import { randomBytes } from 'node:crypto';
import { EnvelopeCrypto, type EnvelopeCryptoOptions } from '../src/envelope-crypto';
import { InMemoryKeyStore } from '../src/keys/in-memory.key-store';
import type { KeyProvider } from '../src/providers/key-provider.interface';
import { LocalProvider } from '../src/providers/local.provider';
import { ProviderRegistry } from '../src/providers/provider-registry';

/** A local provider that counts calls, so tests can assert how often the root key is used. */
export class CountingProvider implements KeyProvider {
  readonly calls = { generate: 0, wrap: 0, unwrap: 0 };

  constructor(private readonly inner: KeyProvider) {}

  get kind() {
    return this.inner.kind;
  }
  get rootKeyId() {
    return this.inner.rootKeyId;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  generateDataKey(context: Record<string, string>) {
    this.calls.generate += 1;
    return this.inner.generateDataKey(context);
  }
  wrapDataKey(plaintext: Buffer, context: Record<string, string>) {
    this.calls.wrap += 1;
    return this.inner.wrapDataKey(plaintext, context);
  }
  unwrapDataKey(wrapped: Buffer, context: Record<string, string>) {
    this.calls.unwrap += 1;
    return this.inner.unwrapDataKey(wrapped, context);
  }
  close() {
    return this.inner.close();
  }
}

export interface TestCrypto {
  readonly crypto: EnvelopeCrypto;
  readonly store: InMemoryKeyStore;
  readonly provider: CountingProvider;
}

export function localCountingProvider(keyName = 'master-v1'): CountingProvider {
  return new CountingProvider(new LocalProvider({ keyName, rootKey: randomBytes(32) }));
}

/** EnvelopeCrypto over an in-memory store and a counting local provider, alias "pii" created. */
export async function createTestCrypto(
  overrides: Partial<EnvelopeCryptoOptions> = {},
): Promise<TestCrypto> {
  const store = new InMemoryKeyStore();
  const provider = localCountingProvider();
  const crypto = new EnvelopeCrypto({
    store,
    providers: new ProviderRegistry(provider),
    defaultAlias: 'pii',
    subjectRefSecret: randomBytes(32),
    blindIndexSecret: randomBytes(32),
    ...overrides,
  });
  await crypto.keyring.createKeyring(overrides.defaultAlias ?? 'pii');
  return { crypto, store, provider };
}
