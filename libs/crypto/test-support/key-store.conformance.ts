import {
  DEFAULT_KEYRING_SETTINGS,
  SubjectKeyStatus,
  type KeyStore,
  type SubjectKeyRecord,
} from '../src/keys/key-store.port';
import { KeyringKeyType } from '../src/keys/keyring-key-type.enum';

function subject(ref: string, keyId: string, version = 1): SubjectKeyRecord {
  return {
    status: SubjectKeyStatus.Active,
    subjectRef: ref,
    keyId,
    alias: 'pii',
    keyringVersion: version,
    wrappedKey: Buffer.alloc(60, ref.charCodeAt(0)),
    createdAt: new Date(0),
  };
}

/**
 * The behaviour every KeyStore implementation must have; the service runs it against its
 * PostgreSQL adapter, this library against InMemoryKeyStore.
 */
export function describeKeyStoreConformance(name: string, create: () => Promise<KeyStore>): void {
  describe(`KeyStore conformance: ${name}`, () => {
    let store: KeyStore;

    beforeEach(async () => {
      store = await create();
    });

    it('keeps keyring versions; the highest is active; the first writer of a version wins', async () => {
      const base = { alias: 'pii', rootKeyId: 'local:a', createdAt: new Date(0) };
      await store.putKeyringKeyIfAbsent({ ...base, version: 1, wrappedKey: Buffer.from([1]) });
      await store.putKeyringKeyIfAbsent({ ...base, version: 2, wrappedKey: Buffer.from([2]) });
      const loser = await store.putKeyringKeyIfAbsent({
        ...base,
        version: 2,
        wrappedKey: Buffer.from([3]),
      });
      expect(loser.wrappedKey).toEqual(Buffer.from([2]));
      expect((await store.getActiveKeyringKey('pii'))?.version).toBe(2);
      expect((await store.getKeyringKey('pii', 1))?.wrappedKey).toEqual(Buffer.from([1]));
      expect(await store.getKeyringKey('pii', 3)).toBeUndefined();
      expect(await store.getActiveKeyringKey('other')).toBeUndefined();
      expect(await store.listKeyringKeys()).toHaveLength(2);
    });

    it('re-wraps a keyring key only from the expected root', async () => {
      const base = { alias: 'pii', version: 1, createdAt: new Date(0) };
      await store.putKeyringKeyIfAbsent({
        ...base,
        rootKeyId: 'local:a',
        wrappedKey: Buffer.from([1]),
      });
      const next = { rootKeyId: 'local:b', wrappedKey: Buffer.from([9]) };
      expect(await store.updateKeyringKeyWrap('pii', 1, 'local:x', next)).toBe(false);
      expect(await store.updateKeyringKeyWrap('pii', 1, 'local:a', next)).toBe(true);
      expect(await store.getKeyringKey('pii', 1)).toMatchObject(next);
    });

    it('keeps the type and public key of a version; a version without a type reads as it was written', async () => {
      const base = { alias: 'sig', rootKeyId: 'local:a', createdAt: new Date(0) };
      await store.putKeyringKeyIfAbsent({
        ...base,
        version: 1,
        wrappedKey: Buffer.from([1]),
        type: KeyringKeyType.EcdsaP256,
        publicKey: Buffer.from([4, 5, 6]),
      });
      expect(await store.getKeyringKey('sig', 1)).toMatchObject({
        type: KeyringKeyType.EcdsaP256,
        publicKey: Buffer.from([4, 5, 6]),
      });
      await store.putKeyringKeyIfAbsent({
        ...base,
        alias: 'pii',
        version: 1,
        wrappedKey: Buffer.from([2]),
      });
      const plain = await store.getKeyringKey('pii', 1);
      expect(plain?.type ?? KeyringKeyType.Aes256Gcm).toBe(KeyringKeyType.Aes256Gcm);
      expect(plain?.publicKey ?? undefined).toBeUndefined();
    });

    it('disables and enables a keyring version; an unknown version is not found', async () => {
      const base = { alias: 'pii', rootKeyId: 'local:a', createdAt: new Date(0) };
      await store.putKeyringKeyIfAbsent({ ...base, version: 1, wrappedKey: Buffer.from([1]) });
      expect((await store.getKeyringKey('pii', 1))?.disabledAt ?? null).toBeNull();
      expect(await store.setKeyringKeyDisabled('pii', 1, new Date(5000))).toBe(true);
      expect((await store.getKeyringKey('pii', 1))?.disabledAt).toEqual(new Date(5000));
      expect((await store.listKeyringKeys())[0].disabledAt).toEqual(new Date(5000));
      expect(await store.setKeyringKeyDisabled('pii', 1, null)).toBe(true);
      expect((await store.getKeyringKey('pii', 1))?.disabledAt ?? null).toBeNull();
      expect(await store.setKeyringKeyDisabled('pii', 2, new Date(0))).toBe(false);
    });

    it('keeps keyring settings per alias, with defaults for an alias that never had any', async () => {
      expect(await store.getKeyringSettings('pii')).toEqual(DEFAULT_KEYRING_SETTINGS);
      await store.putKeyringSettings('pii', {
        minDecryptionVersion: 3,
        autoRotatePeriodSeconds: 3600,
      });
      await store.putKeyringSettings('pii', {
        minDecryptionVersion: 2,
        autoRotatePeriodSeconds: null,
      });
      expect(await store.getKeyringSettings('pii')).toEqual({
        minDecryptionVersion: 2,
        autoRotatePeriodSeconds: null,
      });
      expect(await store.getKeyringSettings('other')).toEqual(DEFAULT_KEYRING_SETTINGS);
    });

    it('stores subject keys by reference and key id; the first writer wins', async () => {
      expect(await store.putSubjectKeyIfAbsent(subject('a', 'k1'))).toMatchObject({ keyId: 'k1' });
      expect(await store.putSubjectKeyIfAbsent(subject('a', 'k2'))).toMatchObject({ keyId: 'k1' });
      expect(await store.getSubjectKey('a')).toMatchObject({
        keyId: 'k1',
        status: SubjectKeyStatus.Active,
      });
      expect(await store.getSubjectKeyById('k1')).toMatchObject({ subjectRef: 'a' });
      expect(await store.getSubjectKeyById('k2')).toBeUndefined();
    });

    it('refuses a key id already used by another subject', async () => {
      await store.putSubjectKeyIfAbsent(subject('a', 'k1'));
      await expect(store.putSubjectKeyIfAbsent(subject('b', 'k1'))).rejects.toThrow();
    });

    it('destroys a subject key for good, by reference and by key id, and keeps the tombstone', async () => {
      await store.putSubjectKeyIfAbsent(subject('a', 'k1'));
      expect(await store.destroySubjectKey('a', new Date(5))).toBe(true);
      expect(await store.destroySubjectKey('a', new Date(6))).toBe(false);
      const byRef = await store.getSubjectKey('a');
      expect(byRef).toMatchObject({ status: SubjectKeyStatus.Shredded, keyId: 'k1' });
      expect(byRef).not.toHaveProperty('wrappedKey');
      expect(await store.getSubjectKeyById('k1')).toMatchObject({
        status: SubjectKeyStatus.Shredded,
      });
      expect(await store.putSubjectKeyIfAbsent(subject('a', 'k3'))).toMatchObject({
        status: SubjectKeyStatus.Shredded,
      });
      expect(await store.destroySubjectKey('never-had-one', new Date(7))).toBe(false);
      expect(await store.getSubjectKey('never-had-one')).toMatchObject({
        status: SubjectKeyStatus.Shredded,
        keyId: null,
      });
    });

    it('lists subject keys of a keyring version in subjectRef order, page by page, and re-wraps by CAS', async () => {
      for (const ref of ['d', 'b', 'a', 'c']) {
        await store.putSubjectKeyIfAbsent(subject(ref, `k-${ref}`));
      }
      await store.putSubjectKeyIfAbsent(subject('e', 'k-e', 2));
      await store.destroySubjectKey('c', new Date(0));
      const first = await store.listSubjectKeysByKeyringVersion('pii', 1, 2);
      expect(first.map((r) => r.subjectRef)).toEqual(['a', 'b']);
      const second = await store.listSubjectKeysByKeyringVersion('pii', 1, 2, 'b');
      expect(second.map((r) => r.subjectRef)).toEqual(['d']);
      const next = { keyringVersion: 2, wrappedKey: Buffer.alloc(60, 9) };
      const wrapA = { subjectRef: 'a', wrappedKey: next.wrappedKey };
      expect(await store.updateSubjectKeyWraps(2, 3, [wrapA])).toBe(0);
      expect(await store.updateSubjectKeyWraps(1, 2, [])).toBe(0);
      // 'c' was shredded and 'zz' never existed: only 'a' moves.
      expect(
        await store.updateSubjectKeyWraps(1, 2, [
          wrapA,
          { subjectRef: 'c', wrappedKey: next.wrappedKey },
          { subjectRef: 'zz', wrappedKey: next.wrappedKey },
        ]),
      ).toBe(1);
      expect(await store.getSubjectKey('a')).toMatchObject(next);
      expect(
        (await store.listSubjectKeysByKeyringVersion('pii', 2, 10)).map((r) => r.subjectRef),
      ).toEqual(['a', 'e']);
    });
  });
}
