import { randomBytes } from 'node:crypto';
import {
  AesGcm240Params,
  KeyGenMechanism,
  KeyType,
  MechanismEnum,
  Module,
  ObjectClass,
  SecretKey,
  SessionFlag,
  UserType,
  type Session,
} from 'graphene-pk11';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { EncryptionContextCodec, type EncryptionContext } from '../field/encryption-context.codec';
import { KeyProviderKind } from './key-provider-kind.enum';
import type { Pkcs11KeyProviderConfig } from './key-provider.config';
import type {
  GeneratedDataKey,
  KeyProvider,
  KeyProviderCapabilities,
} from './key-provider.interface';

export const DEFAULT_PKCS11_LIBRARY = '/usr/lib/softhsm/libsofthsm2.so';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/**
 * A root key generated inside a PKCS#11 token as a non-extractable AES-256 key. Data keys are
 * wrapped with one-shot CKM_AES_GCM calls in the token (the context is the GCM AAD); the stored
 * form is nonce || ciphertext || tag. Graphene calls are synchronous, which is acceptable because
 * the hierarchy calls a provider only to unwrap a keyring key, not per field.
 */
export class Pkcs11Provider implements KeyProvider {
  readonly kind = KeyProviderKind.Pkcs11;
  readonly rootKeyId: string;
  readonly capabilities: KeyProviderCapabilities = { canEncrypt: true, canDecrypt: true };

  private constructor(
    private readonly module: Module,
    private readonly session: Session,
    private readonly key: SecretKey,
    tokenLabel: string,
    keyLabel: string,
  ) {
    this.rootKeyId = `pkcs11:${tokenLabel}/${keyLabel}`;
  }

  static open(config: Omit<Pkcs11KeyProviderConfig, 'kind'>): Pkcs11Provider {
    const libraryPath = config.libraryPath ?? DEFAULT_PKCS11_LIBRARY;
    let module: Module;
    try {
      module = Module.load(libraryPath, 'pkcs11');
      module.initialize();
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        `PKCS#11 module ${libraryPath} could not be loaded`,
        {
          cause,
        },
      );
    }
    try {
      const slots = module.getSlots(true);
      let session: Session | undefined;
      for (let i = 0; i < slots.length; i += 1) {
        const slot = slots.items(i);
        if (slot.getToken().label.trim() === config.tokenLabel) {
          session = slot.open(SessionFlag.SERIAL_SESSION | SessionFlag.RW_SESSION);
          break;
        }
      }
      if (session === undefined) {
        throw new CryptoError(
          CryptoErrorCode.InvalidConfig,
          `no PKCS#11 token labelled ${config.tokenLabel}`,
        );
      }
      session.login(config.pin, UserType.USER);
      const key = Pkcs11Provider.findOrCreateKey(
        session,
        config.keyLabel,
        config.createKeyIfMissing ?? false,
      );
      return new Pkcs11Provider(module, session, key, config.tokenLabel, config.keyLabel);
    } catch (cause) {
      module.finalize();
      if (cause instanceof CryptoError) {
        throw cause;
      }
      throw new CryptoError(
        CryptoErrorCode.ProviderFailure,
        'PKCS#11 session could not be opened',
        { cause },
      );
    }
  }

  private static findOrCreateKey(session: Session, label: string, create: boolean): SecretKey {
    const found = session.find({ class: ObjectClass.SECRET_KEY, keyType: KeyType.AES, label });
    if (found.length > 1) {
      throw new CryptoError(
        CryptoErrorCode.InvalidConfig,
        `more than one PKCS#11 key labelled ${label}`,
      );
    }
    if (found.length === 1) {
      return found.items(0).toType<SecretKey>();
    }
    if (!create) {
      throw new CryptoError(CryptoErrorCode.InvalidConfig, `no PKCS#11 key labelled ${label}`);
    }
    return session.generateKey(KeyGenMechanism.AES, {
      class: ObjectClass.SECRET_KEY,
      keyType: KeyType.AES,
      label,
      valueLen: 32,
      token: true,
      private: true,
      sensitive: true,
      extractable: false,
      encrypt: true,
      decrypt: true,
    });
  }

  async generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey> {
    const plaintext = randomBytes(DATA_KEY_BYTES);
    return { plaintext, wrapped: await this.wrapDataKey(plaintext, context) };
  }

  async wrapDataKey(plaintext: Buffer, context: EncryptionContext): Promise<Buffer> {
    if (plaintext.length !== DATA_KEY_BYTES) {
      throw new CryptoError(
        CryptoErrorCode.InvalidArgument,
        `data keys must be ${DATA_KEY_BYTES} bytes`,
      );
    }
    const nonce = randomBytes(NONCE_BYTES);
    try {
      const cipher = this.session.createCipher(this.mechanism(nonce, context), this.key);
      const sealed = cipher.once(plaintext, Buffer.alloc(plaintext.length + TAG_BYTES));
      return Buffer.concat([nonce, sealed]);
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.ProviderFailure,
        'PKCS#11 token could not wrap the data key',
        { cause },
      );
    }
  }

  async unwrapDataKey(wrapped: Buffer, context: EncryptionContext): Promise<Buffer> {
    if (wrapped.length !== NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES) {
      throw new CryptoError(
        CryptoErrorCode.Malformed,
        'PKCS#11 wrapped data key has the wrong length',
      );
    }
    const nonce = wrapped.subarray(0, NONCE_BYTES);
    try {
      const decipher = this.session.createDecipher(this.mechanism(nonce, context), this.key);
      return Buffer.from(
        decipher.once(wrapped.subarray(NONCE_BYTES), Buffer.alloc(wrapped.length)),
      );
    } catch (cause) {
      throw new CryptoError(
        CryptoErrorCode.AuthenticationFailed,
        'PKCS#11 token could not unwrap the data key',
        {
          cause,
        },
      );
    }
  }

  async close(): Promise<void> {
    this.session.logout();
    this.session.close();
    this.module.finalize();
  }

  private mechanism(nonce: Buffer, context: EncryptionContext) {
    const aad = EncryptionContextCodec.canonical(context);
    return {
      name: MechanismEnum[MechanismEnum.AES_GCM],
      params: new AesGcm240Params(
        Buffer.from(nonce),
        aad.length > 0 ? aad : undefined,
        TAG_BYTES * 8,
      ),
    };
  }
}
