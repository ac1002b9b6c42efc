import { randomBytes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { EncryptionContextCodec, type EncryptionContext } from '../field/encryption-context.codec';
import { KeyringManager } from '../keys/keyring.manager';
import { AesGcm } from '../primitives/aes-gcm';
import { DATA_KEY_SIZES, WrappedDataKeyCodec } from './wrapped-data-key.codec';

export interface DataKeyGenerateOptions {
  /** Keyring alias; the cipher's default when absent. */
  readonly keyAlias?: string;
  /** Bound to the wrapped key; the same map must be given to unwrap. */
  readonly context?: EncryptionContext;
  /** 16, 24 or 32 (default). */
  readonly bytes?: number;
}

export interface DataKeyUnwrapOptions {
  readonly context?: EncryptionContext;
}

/** A data key for client-side encryption; the caller owns `plaintext` and must zero it. */
export interface ClientDataKey {
  readonly plaintext: Buffer;
  /** Self-describing (format, alias, keyring version), base64url. */
  readonly wrapped: string;
  readonly alias: string;
  readonly keyringVersion: number;
}

export interface WrappedDataKeyInfo {
  readonly formatVersion: number;
  readonly alias: string;
  readonly keyringVersion: number;
}

export interface DataKeyCipherOptions {
  readonly keyring: KeyringManager;
  readonly defaultAlias: string;
}

/**
 * Data keys for client-side encryption of large payloads: a fresh random key sealed with
 * AES-256-GCM under the active keyring key of an alias, bound to the caller's context. The
 * root provider is only involved on keyring-key cache misses, so generation costs one AES-GCM
 * operation.
 */
export class DataKeyCipher {
  private readonly keyring: KeyringManager;
  private readonly defaultAlias: string;

  constructor(options: DataKeyCipherOptions) {
    KeyringManager.assertAlias(options.defaultAlias);
    this.keyring = options.keyring;
    this.defaultAlias = options.defaultAlias;
  }

  async generate(options: DataKeyGenerateOptions = {}): Promise<ClientDataKey> {
    const size = options.bytes ?? 32;
    if (!DATA_KEY_SIZES.includes(size)) {
      throw new CryptoError(CryptoErrorCode.InvalidArgument, 'data keys are 16, 24 or 32 bytes');
    }
    const alias = options.keyAlias ?? this.defaultAlias;
    KeyringManager.assertAlias(alias);
    const contextBytes = EncryptionContextCodec.canonical(options.context);
    const version =
      this.keyring.peekActiveVersion(alias) ?? (await this.keyring.activeVersion(alias));
    let key = this.keyring.take(alias, version);
    if (key === undefined) {
      await this.keyring.load(alias, version);
      key = this.keyring.take(alias, version);
    }
    if (key === undefined) {
      throw new CryptoError(
        CryptoErrorCode.UnknownKey,
        `keyring key ${alias} v${version} unavailable`,
      );
    }
    const header = WrappedDataKeyCodec.encodeHeader(alias, version);
    const plaintext = randomBytes(size);
    const aad = contextBytes.length === 0 ? header : Buffer.concat([header, contextBytes]);
    const wrapped = AesGcm.encryptFramed(key, randomBytes(12), plaintext, aad, header, true);
    return { plaintext, wrapped: wrapped.toString('base64url'), alias, keyringVersion: version };
  }

  /** The data key back; wrong context or tampering: `AuthenticationFailed`. */
  async unwrap(wrapped: string, options: DataKeyUnwrapOptions = {}): Promise<ClientDataKey> {
    const contextBytes = EncryptionContextCodec.canonical(options.context);
    const parsed = WrappedDataKeyCodec.parse(WrappedDataKeyCodec.decodeText(wrapped));
    let key = this.keyring.take(parsed.alias, parsed.keyringVersion);
    if (key === undefined) {
      await this.keyring.load(parsed.alias, parsed.keyringVersion);
      key = this.keyring.take(parsed.alias, parsed.keyringVersion);
    }
    if (key === undefined) {
      throw new CryptoError(CryptoErrorCode.UnknownKey, 'key unavailable');
    }
    const aad =
      contextBytes.length === 0 ? parsed.header : Buffer.concat([parsed.header, contextBytes]);
    return {
      plaintext: AesGcm.decrypt(key, parsed.nonce, parsed.sealed, aad),
      wrapped,
      alias: parsed.alias,
      keyringVersion: parsed.keyringVersion,
    };
  }

  /** Parses the self-describing part of a wrapped key, without any key. */
  describe(wrapped: string): WrappedDataKeyInfo {
    const parsed = WrappedDataKeyCodec.parse(WrappedDataKeyCodec.decodeText(wrapped));
    return {
      formatVersion: WrappedDataKeyCodec.formatVersion,
      alias: parsed.alias,
      keyringVersion: parsed.keyringVersion,
    };
  }
}
