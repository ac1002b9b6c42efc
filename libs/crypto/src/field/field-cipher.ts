import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { KeyringManager } from '../keys/keyring.manager';
import type { SubjectKeyManager } from '../keys/subject-key.manager';
import { AesGcm } from '../primitives/aes-gcm';
import { NoncePool } from '../primitives/nonce.pool';
import { EncryptionContextCodec, type EncryptionContext } from './encryption-context.codec';
import { FieldCiphertextCodec, type ParsedFieldCiphertext } from './field-ciphertext.codec';
import { CryptoThreadLost, type FieldBatchThreads } from './threads/field-batch.threads';
import { sealBatch, type OpenKey } from './threads/field-batch.work';

export interface FieldEncryptOptions {
  /** Keyring alias; the cipher's default when absent. Ignored for a subject that already has a key. */
  readonly keyAlias?: string;
  /** Seal under this subject's own data key (created on first use). */
  readonly subjectId?: string;
  /** Bound to the ciphertext; the same map must be given to decrypt. */
  readonly context?: EncryptionContext;
}

export interface FieldDecryptOptions {
  readonly context?: EncryptionContext;
}

export interface FieldCipherOptions {
  readonly keyring: KeyringManager;
  readonly subjects: SubjectKeyManager;
  readonly defaultAlias: string;
  /** Threads for batches of THREADED_BATCH_FIELDS fields or more; inline until one is online. */
  readonly threads?: FieldBatchThreads;
}

/**
 * Below this, a batch is sealed or opened inline: handing it to a thread costs about as much as
 * the work, and small calls gain nothing in latency.
 */
export const THREADED_BATCH_FIELDS = 64;

/** What a ciphertext says about itself, readable without any key. */
export interface FieldCiphertextInfo {
  readonly formatVersion: number;
  readonly alias: string;
  readonly keyringVersion: number;
  readonly subjectKeyId?: string;
}

/** Keys and AADs shared by consecutive keyring fields of one alias and version in a rewrap. */
interface RewrapRun {
  readonly alias: string;
  readonly sourceVersion: number;
  readonly source: Buffer;
  readonly target: Buffer;
  readonly header: Buffer;
  readonly sourceAad: Buffer;
  readonly targetAad: Buffer;
}

/** The fields of a batch to open that share one header, and a test for more of them. */
interface HeaderPlan {
  readonly parsed: ParsedFieldCiphertext;
  uses: number;
  readonly matches: (text: string) => boolean;
}

/** A lone surrogate cannot survive UTF-8; refusing it keeps decrypt(encrypt(x)) === x. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Field encryption: AES-256-GCM with a fresh 96-bit nonce under the active keyring key of an
 * alias, or under a subject's key; the header (key references) and the caller's context are the
 * AAD. With warm caches a field costs one AES-GCM operation plus encoding; batches resolve keys
 * once.
 */
export class FieldCipher {
  private readonly keyring: KeyringManager;
  private readonly subjects: SubjectKeyManager;
  private readonly defaultAlias: string;
  private readonly nonces = new NoncePool();
  private readonly headers = new Map<string, Buffer>();
  private readonly threads: FieldBatchThreads | undefined;

  constructor(options: FieldCipherOptions) {
    KeyringManager.assertAlias(options.defaultAlias);
    this.threads = options.threads;
    this.keyring = options.keyring;
    this.subjects = options.subjects;
    this.defaultAlias = options.defaultAlias;
  }

  async encrypt(plaintext: string, options: FieldEncryptOptions = {}): Promise<string> {
    const [out] = await this.encryptValues([plaintext], options);
    return out;
  }

  async decrypt(ciphertext: string, options: FieldDecryptOptions = {}): Promise<string> {
    const [out] = await this.decryptValues([ciphertext], options);
    return out;
  }

  /** Encrypts every value of `fields` with the same key and context. */
  async encryptMany(
    fields: Readonly<Record<string, string>>,
    options: FieldEncryptOptions = {},
  ): Promise<Record<string, string>> {
    const names = Object.keys(fields);
    const sealed = await this.encryptValues(
      names.map((name) => fields[name]),
      options,
    );
    return FieldCipher.zip(names, sealed);
  }

  /** Decrypts every value of `fields`; the first failure rejects the whole batch. */
  async decryptMany(
    fields: Readonly<Record<string, string>>,
    options: FieldDecryptOptions = {},
  ): Promise<Record<string, string>> {
    const names = Object.keys(fields);
    const opened = await this.decryptValues(
      names.map((name) => fields[name]),
      options,
    );
    return FieldCipher.zip(names, opened);
  }

  /**
   * Re-encrypts every value of `fields` under the active version of its keyring (a subject's
   * field stays under that subject's key, with a fresh nonce), keeping the same context. The
   * plaintext exists only as a buffer inside this call and is zeroed after each field.
   */
  async rewrapMany(
    fields: Readonly<Record<string, string>>,
    options: FieldDecryptOptions = {},
  ): Promise<Record<string, string>> {
    const names = Object.keys(fields);
    const sealed = await this.rewrapValues(
      names.map((name) => fields[name]),
      options,
    );
    return FieldCipher.zip(names, sealed);
  }

  /** Parses the self-describing part of a ciphertext (for re-encryption planning, diagnostics). */
  describe(ciphertext: string): FieldCiphertextInfo {
    const parsed = FieldCiphertextCodec.parse(FieldCiphertextCodec.decodeText(ciphertext));
    return {
      formatVersion: FieldCiphertextCodec.formatVersion,
      alias: parsed.alias,
      keyringVersion: parsed.keyringVersion,
      subjectKeyId: parsed.subjectKeyId,
    };
  }

  /**
   * How many of `ciphertexts` name each keyring alias, read from their headers without any key;
   * unreadable ones are left out (their decryption fails and names them). The fields of a batch
   * usually share one header, so a text that starts with the previous one's alias-bearing
   * base64url characters is counted under its alias without being decoded.
   */
  aliasCounts(ciphertexts: Iterable<string>): Map<string, number> {
    const counts = new Map<string, number>();
    let prefix: string | undefined;
    let alias = '';
    for (const text of ciphertexts) {
      if (prefix === undefined || !text.startsWith(prefix)) {
        try {
          alias = this.describe(text).alias;
        } catch {
          prefix = undefined;
          continue;
        }
        // Bytes 0 .. 1 + L (format and flags, alias length, alias) are encoded, whole, by the
        // first 4 * ceil((2 + L) / 3) characters.
        prefix = text.slice(0, 4 * Math.ceil((2 + alias.length) / 3));
      }
      counts.set(alias, (counts.get(alias) ?? 0) + 1);
    }
    return counts;
  }

  encryptValues(
    plaintexts: readonly string[],
    options: FieldEncryptOptions = {},
  ): Promise<string[]> {
    return this.withThreads((threads) => this.sealValues(plaintexts, options, threads));
  }

  decryptValues(
    ciphertexts: readonly string[],
    options: FieldDecryptOptions = {},
  ): Promise<string[]> {
    return this.withThreads((threads) => this.openValues(ciphertexts, options, threads));
  }

  /**
   * Runs `work` with the threads and, when its thread was lost, again inline from the start: the
   * keys it took before handing the batch over may be zeroed by now.
   */
  private async withThreads(
    work: (threads: FieldBatchThreads | undefined) => Promise<string[]>,
  ): Promise<string[]> {
    try {
      return await work(this.threads);
    } catch (error) {
      if (error instanceof CryptoThreadLost) {
        return work(undefined);
      }
      throw error;
    }
  }

  private async sealValues(
    plaintexts: readonly string[],
    options: FieldEncryptOptions,
    threads: FieldBatchThreads | undefined,
  ): Promise<string[]> {
    for (const value of plaintexts) {
      if (typeof value !== 'string' || LONE_SURROGATE.test(value)) {
        throw new CryptoError(
          CryptoErrorCode.InvalidArgument,
          'field values must be well-formed strings',
        );
      }
    }
    const contextBytes = EncryptionContextCodec.canonical(options.context);
    const alias = options.keyAlias ?? this.defaultAlias;
    const uses = Math.max(plaintexts.length, 1);
    if (options.subjectId !== undefined) {
      KeyringManager.assertAlias(alias);
      let info = await this.subjects.resolve(options.subjectId, alias);
      let key = this.subjects.take(info, uses);
      if (key === undefined) {
        info = await this.subjects.resolve(options.subjectId, alias);
        key = this.subjects.take(info, uses);
      }
      if (key === undefined) {
        throw new CryptoError(CryptoErrorCode.UnknownKey, 'subject key unavailable');
      }
      const header = FieldCiphertextCodec.encodeHeader(
        info.alias,
        info.keyringVersion,
        info.keyIdBytes,
      );
      return this.sealAll(threads, key, header, contextBytes, plaintexts);
    }
    const version =
      this.keyring.peekActiveVersion(alias) ?? (await this.keyring.activeVersion(alias));
    let key = this.keyring.take(alias, version, uses);
    if (key === undefined) {
      await this.keyring.load(alias, version);
      key = this.keyring.take(alias, version, uses);
    }
    if (key === undefined) {
      throw new CryptoError(
        CryptoErrorCode.UnknownKey,
        `keyring key ${alias} v${version} unavailable`,
      );
    }
    return this.sealAll(threads, key, this.keyringHeader(alias, version), contextBytes, plaintexts);
  }

  private async openValues(
    ciphertexts: readonly string[],
    options: FieldDecryptOptions,
    threads: FieldBatchThreads | undefined,
  ): Promise<string[]> {
    const contextBytes = EncryptionContextCodec.canonical(options.context);
    if (ciphertexts.length >= THREADED_BATCH_FIELDS && threads?.ready() === true) {
      const opened = await this.openOnThread(threads, ciphertexts, contextBytes);
      if (opened !== undefined) {
        return opened;
      }
    }
    const out = new Array<string>(ciphertexts.length);
    // The fields of a batch usually share one header, so its AAD is built once.
    let aad: Buffer | undefined;
    for (let i = 0; i < ciphertexts.length; i += 1) {
      const parsed = FieldCiphertextCodec.parse(FieldCiphertextCodec.decodeText(ciphertexts[i]));
      let key = this.takeFor(parsed);
      if (key === undefined) {
        await this.loadFor(parsed);
        key = this.takeFor(parsed);
      }
      if (key === undefined) {
        throw new CryptoError(CryptoErrorCode.UnknownKey, 'key unavailable');
      }
      if (contextBytes.length === 0) {
        aad = parsed.header;
      } else if (
        aad?.length !== parsed.header.length + contextBytes.length ||
        !aad.subarray(0, parsed.header.length).equals(parsed.header)
      ) {
        aad = Buffer.concat([parsed.header, contextBytes]);
      }
      const plaintext = AesGcm.decrypt(key, parsed.nonce, parsed.sealed, aad);
      out[i] = plaintext.toString('utf8');
      plaintext.fill(0);
    }
    return out;
  }

  async rewrapValues(
    ciphertexts: readonly string[],
    options: FieldDecryptOptions = {},
  ): Promise<string[]> {
    const contextBytes = EncryptionContextCodec.canonical(options.context);
    const parsed = ciphertexts.map((text) =>
      FieldCiphertextCodec.parse(FieldCiphertextCodec.decodeText(text)),
    );
    const out = new Array<string>(parsed.length);
    // Keys of the current run of fields sharing alias and version; taken synchronously together
    // and used before the next await (a key taken before an await may be zeroed).
    let run: RewrapRun | undefined;
    for (let i = 0; i < parsed.length; i += 1) {
      const field = parsed[i];
      if (field.subjectKeyId !== undefined) {
        run = undefined;
        out[i] = await this.rewrapSubjectField(field, contextBytes);
        continue;
      }
      if (run?.alias !== field.alias || run.sourceVersion !== field.keyringVersion) {
        run = await this.startRun(parsed, i, contextBytes);
      }
      const plaintext = AesGcm.decrypt(run.source, field.nonce, field.sealed, run.sourceAad);
      try {
        out[i] = AesGcm.encryptFramed(
          run.target,
          this.nonces.next(),
          plaintext,
          run.targetAad,
          run.header,
          true,
        ).toString('base64url');
      } finally {
        plaintext.fill(0);
      }
    }
    return out;
  }

  /** `{names[i]: values[i]}`, built by assignment (no entry arrays: batches are large). */
  private static zip(names: readonly string[], values: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < names.length; i += 1) {
      if (names[i] === '__proto__') {
        // Assignment would call the prototype setter instead of creating the field.
        Object.defineProperty(out, names[i], {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        out[names[i]] = values[i];
      }
    }
    return out;
  }

  /** Synchronous up to the hand-over: `key` comes from a cache that may zero it after an await. */
  private sealAll(
    threads: FieldBatchThreads | undefined,
    key: Buffer,
    header: Buffer,
    contextBytes: Buffer,
    values: readonly string[],
  ): string[] | Promise<string[]> {
    const aad = contextBytes.length === 0 ? header : Buffer.concat([header, contextBytes]);
    const batch = { key, header, aad, values };
    const onThread = values.length >= THREADED_BATCH_FIELDS ? threads?.seal(batch) : undefined;
    return onThread ?? sealBatch(batch, this.nonces);
  }

  /**
   * Hands a batch to a thread with the keys its headers name. A batch usually has one header,
   * so a field whose first characters spell its neighbour's header is not decoded here. Keys are
   * loaded first, then taken (charged per field) and handed over together without an await
   * between, since the cache may zero a key at any await. Undefined when the thread went away
   * meanwhile.
   */
  private async openOnThread(
    threads: FieldBatchThreads,
    ciphertexts: readonly string[],
    contextBytes: Buffer,
  ): Promise<string[] | undefined> {
    const headers = new Map<string, HeaderPlan>();
    let current: HeaderPlan | undefined;
    for (const text of ciphertexts) {
      if (current === undefined || !current.matches(text)) {
        const parsed = FieldCiphertextCodec.parse(FieldCiphertextCodec.decodeText(text));
        const id = parsed.header.toString('latin1');
        current = headers.get(id) ?? {
          parsed,
          uses: 0,
          matches: FieldCiphertextCodec.sameHeader(text, parsed.header.length),
        };
        headers.set(id, current);
      }
      current.uses += 1;
    }
    const plans = [...headers.values()];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const keys: OpenKey[] = [];
      for (const { parsed, uses } of plans) {
        const key = this.takeFor(parsed, uses);
        if (key === undefined) {
          break;
        }
        const aad =
          contextBytes.length === 0 ? parsed.header : Buffer.concat([parsed.header, contextBytes]);
        keys.push({ header: parsed.header, key, aad });
      }
      if (keys.length === plans.length) {
        return threads.open({ keys, texts: ciphertexts });
      }
      for (const { parsed } of plans) {
        await this.loadFor(parsed);
      }
    }
    throw new CryptoError(CryptoErrorCode.UnknownKey, 'key unavailable');
  }

  private keyringHeader(alias: string, version: number): Buffer {
    const id = `${alias}#${version}`;
    let header = this.headers.get(id);
    if (header === undefined) {
      header = FieldCiphertextCodec.encodeHeader(alias, version);
      this.headers.set(id, header);
    }
    return header;
  }

  /**
   * Keys for the run of keyring fields starting at `from` that share its alias and version,
   * charged with the run's length: the source version and the alias's active version.
   */
  private async startRun(
    parsed: readonly ParsedFieldCiphertext[],
    from: number,
    contextBytes: Buffer,
  ): Promise<RewrapRun> {
    const { alias, keyringVersion } = parsed[from];
    let uses = 1;
    while (
      from + uses < parsed.length &&
      parsed[from + uses].subjectKeyId === undefined &&
      parsed[from + uses].alias === alias &&
      parsed[from + uses].keyringVersion === keyringVersion
    ) {
      uses += 1;
    }
    let version = this.keyring.peekActiveVersion(alias);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (version !== undefined) {
        const target = this.keyring.take(alias, version, uses);
        const source =
          version === keyringVersion ? target : this.keyring.take(alias, keyringVersion, uses);
        if (target !== undefined && source !== undefined) {
          const header = this.keyringHeader(alias, version);
          const sourceHeader = parsed[from].header;
          return {
            alias,
            sourceVersion: keyringVersion,
            source,
            target,
            header,
            sourceAad:
              contextBytes.length === 0
                ? sourceHeader
                : Buffer.concat([sourceHeader, contextBytes]),
            targetAad: contextBytes.length === 0 ? header : Buffer.concat([header, contextBytes]),
          };
        }
      }
      await this.keyring.load(alias, keyringVersion);
      version = await this.keyring.activeVersion(alias);
      await this.keyring.load(alias, version);
    }
    throw new CryptoError(CryptoErrorCode.UnknownKey, `keyring key ${alias} unavailable`);
  }

  /** A subject's field keeps its subject key; the header names the keyring version wrapping it now. */
  private async rewrapSubjectField(
    parsed: ParsedFieldCiphertext,
    contextBytes: Buffer,
  ): Promise<string> {
    let key = this.takeFor(parsed);
    if (key === undefined) {
      await this.loadFor(parsed);
      key = this.takeFor(parsed);
    }
    const info = this.subjects.peekKeyId(parsed.subjectKeyId ?? '');
    if (key === undefined || info === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, 'subject key unavailable');
    }
    const plaintext = AesGcm.decrypt(
      key,
      parsed.nonce,
      parsed.sealed,
      contextBytes.length === 0 ? parsed.header : Buffer.concat([parsed.header, contextBytes]),
    );
    try {
      const header = FieldCiphertextCodec.encodeHeader(
        info.alias,
        info.keyringVersion,
        info.keyIdBytes,
      );
      const aad = contextBytes.length === 0 ? header : Buffer.concat([header, contextBytes]);
      return AesGcm.encryptFramed(key, this.nonces.next(), plaintext, aad, header, true).toString(
        'base64url',
      );
    } finally {
      plaintext.fill(0);
    }
  }

  private takeFor(parsed: ParsedFieldCiphertext, uses = 1): Buffer | undefined {
    if (parsed.subjectKeyId === undefined) {
      return this.keyring.take(parsed.alias, parsed.keyringVersion, uses);
    }
    const info = this.subjects.peekKeyId(parsed.subjectKeyId);
    return info === undefined || info.alias !== parsed.alias
      ? undefined
      : this.subjects.take(info, uses);
  }

  private async loadFor(parsed: ParsedFieldCiphertext): Promise<void> {
    if (parsed.subjectKeyId === undefined) {
      await this.keyring.load(parsed.alias, parsed.keyringVersion);
      return;
    }
    const info = await this.subjects.resolveKeyId(parsed.subjectKeyId);
    if (info.alias !== parsed.alias) {
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'subject key belongs to another keyring',
      );
    }
  }
}
