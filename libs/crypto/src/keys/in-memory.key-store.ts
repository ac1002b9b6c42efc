import {
  DEFAULT_KEYRING_SETTINGS,
  SubjectKeyStatus,
  type KeyringSettings,
  type KeyStore,
  type KeyringKeyRecord,
  type SubjectKeyEntry,
  type SubjectKeyRecord,
} from './key-store.port';

/** Reference `KeyStore` for tests and single-process tools; not durable. */
export class InMemoryKeyStore implements KeyStore {
  private readonly keyring = new Map<string, KeyringKeyRecord>();
  private readonly subjects = new Map<string, SubjectKeyEntry>();
  private readonly byKeyId = new Map<string, string>();
  private readonly settings = new Map<string, KeyringSettings>();

  async getKeyringKey(alias: string, version: number): Promise<KeyringKeyRecord | undefined> {
    return this.keyring.get(InMemoryKeyStore.keyringId(alias, version));
  }

  async getActiveKeyringKey(alias: string): Promise<KeyringKeyRecord | undefined> {
    let active: KeyringKeyRecord | undefined;
    for (const record of this.keyring.values()) {
      if (record.alias === alias && (active === undefined || record.version > active.version)) {
        active = record;
      }
    }
    return active;
  }

  async listKeyringKeys(): Promise<KeyringKeyRecord[]> {
    return [...this.keyring.values()];
  }

  async putKeyringKeyIfAbsent(record: KeyringKeyRecord): Promise<KeyringKeyRecord> {
    const id = InMemoryKeyStore.keyringId(record.alias, record.version);
    const existing = this.keyring.get(id);
    if (existing !== undefined) {
      return existing;
    }
    this.keyring.set(id, record);
    return record;
  }

  async updateKeyringKeyWrap(
    alias: string,
    version: number,
    expectedRootKeyId: string,
    next: { rootKeyId: string; wrappedKey: Buffer },
  ): Promise<boolean> {
    const id = InMemoryKeyStore.keyringId(alias, version);
    const existing = this.keyring.get(id);
    if (existing?.rootKeyId !== expectedRootKeyId) {
      return false;
    }
    this.keyring.set(id, { ...existing, ...next });
    return true;
  }

  async setKeyringKeyDisabled(
    alias: string,
    version: number,
    disabledAt: Date | null,
  ): Promise<boolean> {
    const id = InMemoryKeyStore.keyringId(alias, version);
    const existing = this.keyring.get(id);
    if (existing === undefined) {
      return false;
    }
    this.keyring.set(id, { ...existing, disabledAt });
    return true;
  }

  async getKeyringSettings(alias: string): Promise<KeyringSettings> {
    return this.settings.get(alias) ?? DEFAULT_KEYRING_SETTINGS;
  }

  async putKeyringSettings(alias: string, settings: KeyringSettings): Promise<void> {
    this.settings.set(alias, { ...settings });
  }

  async getSubjectKey(subjectRef: string): Promise<SubjectKeyEntry | undefined> {
    return this.subjects.get(subjectRef);
  }

  async getSubjectKeyById(keyId: string): Promise<SubjectKeyEntry | undefined> {
    const subjectRef = this.byKeyId.get(keyId);
    return subjectRef === undefined ? undefined : this.subjects.get(subjectRef);
  }

  async putSubjectKeyIfAbsent(record: SubjectKeyRecord): Promise<SubjectKeyEntry> {
    const existing = this.subjects.get(record.subjectRef);
    if (existing !== undefined) {
      return existing;
    }
    if (this.byKeyId.has(record.keyId)) {
      throw new Error(`subject key id ${record.keyId} already in use`);
    }
    this.subjects.set(record.subjectRef, record);
    this.byKeyId.set(record.keyId, record.subjectRef);
    return record;
  }

  async destroySubjectKey(subjectRef: string, destroyedAt: Date): Promise<boolean> {
    const existing = this.subjects.get(subjectRef);
    if (existing?.status === SubjectKeyStatus.Shredded) {
      return false;
    }
    this.subjects.set(subjectRef, {
      status: SubjectKeyStatus.Shredded,
      subjectRef,
      keyId: existing?.keyId ?? null,
      destroyedAt,
    });
    return existing !== undefined;
  }

  async listSubjectKeysByKeyringVersion(
    alias: string,
    version: number,
    limit: number,
    after?: string,
  ): Promise<SubjectKeyRecord[]> {
    const matches: SubjectKeyRecord[] = [];
    for (const entry of this.subjects.values()) {
      if (
        entry.status === SubjectKeyStatus.Active &&
        entry.alias === alias &&
        entry.keyringVersion === version &&
        (after === undefined || entry.subjectRef > after)
      ) {
        matches.push(entry);
      }
    }
    matches.sort((a, b) =>
      a.subjectRef < b.subjectRef ? -1 : a.subjectRef > b.subjectRef ? 1 : 0,
    );
    return matches.slice(0, limit);
  }

  async updateSubjectKeyWraps(
    expectedKeyringVersion: number,
    keyringVersion: number,
    wraps: ReadonlyArray<{ subjectRef: string; wrappedKey: Buffer }>,
  ): Promise<number> {
    let moved = 0;
    for (const { subjectRef, wrappedKey } of wraps) {
      const existing = this.subjects.get(subjectRef);
      if (
        existing?.status === SubjectKeyStatus.Active &&
        existing.keyringVersion === expectedKeyringVersion
      ) {
        this.subjects.set(subjectRef, { ...existing, keyringVersion, wrappedKey });
        moved += 1;
      }
    }
    return moved;
  }

  private static keyringId(alias: string, version: number): string {
    return `${alias}\u0000${version}`;
  }
}
