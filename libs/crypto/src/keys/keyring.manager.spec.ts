import { randomBytes } from 'node:crypto';
import {
  createTestCrypto,
  localCountingProvider,
} from '../../test-support/envelope-crypto.fixture';
import { EnvelopeCrypto } from '../envelope-crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import type { KeyProvider } from '../providers/key-provider.interface';
import { ProviderRegistry } from '../providers/provider-registry';
import { InMemoryKeyStore } from './in-memory.key-store';

describe('KeyringManager', () => {
  it('unwraps a keyring key again after its maximum age, with one provider call', async () => {
    let now = 0;
    const t = await createTestCrypto({ keyringCache: { maxAgeMs: 1_000 }, now: () => now });
    const sealed = await t.crypto.fields.encrypt('v');
    t.crypto.keyring.clearCache();
    const before = t.provider.calls.unwrap;
    await t.crypto.fields.decrypt(sealed);
    await t.crypto.fields.decrypt(sealed);
    expect(t.provider.calls.unwrap - before).toBe(1);
    now += 1_000;
    await t.crypto.fields.decrypt(sealed);
    expect(t.provider.calls.unwrap - before).toBe(2);
  });

  it('unwraps again once the use budget is spent', async () => {
    const t = await createTestCrypto({ keyringCache: { maxUses: 3 } });
    const before = t.provider.calls.unwrap;
    for (let i = 0; i < 7; i += 1) {
      await t.crypto.fields.encrypt(`v${i}`);
    }
    // created with 3 uses (3 fields), then 2 unwraps of 3 uses each cover the other 4.
    expect(t.provider.calls.unwrap - before).toBe(2);
  });

  it('shares one provider call among concurrent cache misses', async () => {
    const t = await createTestCrypto();
    const sealed = await t.crypto.fields.encrypt('v');
    t.crypto.keyring.clearCache();
    const before = t.provider.calls.unwrap;
    const counted = t.crypto.keyring.providerUnwrapCount;
    await Promise.all(Array.from({ length: 20 }, () => t.crypto.fields.decrypt(sealed)));
    expect(t.provider.calls.unwrap - before).toBe(1);
    expect(t.crypto.keyring.providerUnwrapCount - counted).toBe(1);
  });

  it('rotates a keyring: new fields use the new version, old ones stay readable', async () => {
    const t = await createTestCrypto();
    const old = await t.crypto.fields.encrypt('old');
    const rotated = await t.crypto.keyring.rotateKeyring('pii');
    expect(rotated.version).toBe(2);
    const fresh = await t.crypto.fields.encrypt('new');
    expect(t.crypto.fields.describe(fresh).keyringVersion).toBe(2);
    expect(await t.crypto.fields.decrypt(old)).toBe('old');
    expect(await t.crypto.fields.decrypt(fresh)).toBe('new');
  });

  it('rotates the root: keyring keys are re-wrapped under the new root and the old root can go', async () => {
    const store = new InMemoryKeyStore();
    const oldRoot = localCountingProvider('master-v1');
    const secrets = { subjectRefSecret: randomBytes(32), blindIndexSecret: randomBytes(32) };
    const before = new EnvelopeCrypto({
      store,
      providers: new ProviderRegistry(oldRoot),
      defaultAlias: 'pii',
      ...secrets,
    });
    await before.keyring.createKeyring('pii');
    await before.keyring.rotateKeyring('pii');
    await before.keyring.createKeyring('other');
    const sealed = await before.fields.encrypt('kept', { context: { c: '1' } });

    const newRoot = localCountingProvider('master-v2');
    const during = new EnvelopeCrypto({
      store,
      providers: new ProviderRegistry(newRoot, [oldRoot]),
      defaultAlias: 'pii',
      ...secrets,
    });
    expect(await during.fields.decrypt(sealed, { context: { c: '1' } })).toBe('kept');
    expect(await during.keyring.rewrapKeyringKeys()).toEqual({ total: 3, rewrapped: 3 });
    expect(await during.keyring.rewrapKeyringKeys()).toEqual({ total: 3, rewrapped: 0 });
    expect((await store.listKeyringKeys()).map((r) => r.rootKeyId)).toEqual([
      'local:master-v2',
      'local:master-v2',
      'local:master-v2',
    ]);

    const after = new EnvelopeCrypto({
      store,
      providers: new ProviderRegistry(newRoot),
      defaultAlias: 'pii',
      ...secrets,
    });
    expect(await after.fields.decrypt(sealed, { context: { c: '1' } })).toBe('kept');
    const onlyOld = new EnvelopeCrypto({
      store,
      providers: new ProviderRegistry(oldRoot),
      defaultAlias: 'pii',
      ...secrets,
    });
    await expect(onlyOld.fields.decrypt(sealed, { context: { c: '1' } })).rejects.toMatchObject({
      code: CryptoErrorCode.UnknownKey,
    });
  });

  it('refuses to create keyring keys through a provider that cannot wrap', async () => {
    const inner = localCountingProvider('master-ro');
    const writeProtected: KeyProvider = {
      kind: inner.kind,
      rootKeyId: inner.rootKeyId,
      capabilities: { canEncrypt: false, canDecrypt: true },
      generateDataKey: (context) => inner.generateDataKey(context),
      wrapDataKey: (key, context) => inner.wrapDataKey(key, context),
      unwrapDataKey: (wrapped, context) => inner.unwrapDataKey(wrapped, context),
      close: () => inner.close(),
    };
    const crypto = new EnvelopeCrypto({
      store: new InMemoryKeyStore(),
      providers: new ProviderRegistry(writeProtected),
      defaultAlias: 'pii',
      subjectRefSecret: randomBytes(32),
      blindIndexSecret: randomBytes(32),
    });
    await expect(crypto.keyring.createKeyring('pii')).rejects.toMatchObject({
      code: CryptoErrorCode.ProviderCannotEncrypt,
    });
    expect(inner.calls.wrap).toBe(0);
  });

  it('rejects aliases outside the allowed alphabet', async () => {
    const t = await createTestCrypto();
    await expect(t.crypto.keyring.createKeyring('bad alias')).rejects.toMatchObject({
      code: CryptoErrorCode.InvalidArgument,
    });
  });
});
