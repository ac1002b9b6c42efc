export { CryptoError } from './errors/crypto-error';
export { CryptoErrorCode } from './errors/crypto-error-code.enum';

export { AesGcm } from './primitives/aes-gcm';
export { AesKeyWrap } from './primitives/aes-key-wrap';
export { AesKeyWrapPad } from './primitives/aes-key-wrap-pad';
export { Hkdf } from './primitives/hkdf';
export { HmacSha256 } from './primitives/hmac-sha256';
export { RsaOaep } from './primitives/rsa-oaep';

export { KeyProviderKind } from './providers/key-provider-kind.enum';
export type {
  KeyProvider,
  KeyProviderCapabilities,
  GeneratedDataKey,
} from './providers/key-provider.interface';
export type {
  KeyProviderConfig,
  LocalKeyProviderConfig,
  RsaKeyProviderConfig,
  AwsKmsKeyProviderConfig,
  Pkcs11KeyProviderConfig,
} from './providers/key-provider.config';
export { KeyProviderFactory } from './providers/key-provider.factory';
export { ProviderRegistry } from './providers/provider-registry';
export { LocalProvider } from './providers/local.provider';
export { RsaProvider } from './providers/rsa.provider';
export { RsaKeyLoader } from './providers/rsa-key.loader';
export { AwsKmsProvider } from './providers/aws-kms.provider';
export { Pkcs11Provider, DEFAULT_PKCS11_LIBRARY } from './providers/pkcs11.provider';

export { SubjectKeyStatus, DEFAULT_KEYRING_SETTINGS } from './keys/key-store.port';
export { KeyringKeyType, KEYRING_KEY_TYPES } from './keys/keyring-key-type.enum';
export type {
  KeyStore,
  KeyringKeyRecord,
  KeyringSettings,
  SubjectKeyRecord,
  SubjectKeyWrapRecord,
  SubjectKeyTombstone,
  SubjectKeyEntry,
} from './keys/key-store.port';
export { InMemoryKeyStore } from './keys/in-memory.key-store';
export { DataKeyCache } from './keys/data-key.cache';
export type { DataKeyCacheLimits } from './keys/data-key.cache';
export { KeyringManager } from './keys/keyring.manager';
export type {
  KeyringManagerOptions,
  KeyringSettingsPatch,
  RootRewrapReport,
} from './keys/keyring.manager';
export { ManagedKeys, SignatureAlgorithm, MAX_MANAGED_DATA_BYTES } from './managed/managed-keys';
export type { PublicJwk } from './managed/managed-keys';
export { ManagedTokenCodec, ManagedTokenKind } from './managed/managed-token.codec';
export { KeyMaterial } from './managed/key-material';
export { SubjectKeyManager } from './keys/subject-key.manager';
export type { SubjectKeyInfo, SubjectKeyManagerOptions } from './keys/subject-key.manager';
export { SubjectRefDeriver } from './keys/subject-ref.deriver';
export { SubjectKeyRewrapper } from './keys/subject-key.rewrapper';
export type {
  RewrapBatchRequest,
  RewrapBatchResult,
  RewrapProgress,
} from './keys/subject-key.rewrapper';

export { EncryptionContextCodec } from './field/encryption-context.codec';
export type { EncryptionContext } from './field/encryption-context.codec';
export { FieldCiphertextCodec } from './field/field-ciphertext.codec';
export type { ParsedFieldCiphertext } from './field/field-ciphertext.codec';
export { FieldCipher } from './field/field-cipher';
export type {
  FieldCipherOptions,
  FieldEncryptOptions,
  FieldDecryptOptions,
  FieldCiphertextInfo,
} from './field/field-cipher';

export { DataKeyCipher } from './data-keys/data-key.cipher';
export type {
  ClientDataKey,
  DataKeyCipherOptions,
  DataKeyGenerateOptions,
  DataKeyUnwrapOptions,
  WrappedDataKeyInfo,
} from './data-keys/data-key.cipher';
export { WrappedDataKeyCodec, DATA_KEY_SIZES } from './data-keys/wrapped-data-key.codec';
export type { ParsedWrappedDataKey } from './data-keys/wrapped-data-key.codec';

export { BlindIndexer } from './blind-index/blind-index';
export type { BlindIndexOptions } from './blind-index/blind-index';

export { BlobCipher } from './blob/blob-cipher';
export type { BlobCipherOptions } from './blob/blob-cipher';
export { HierarchyKeyring, BLOB_KEY_NAMESPACE } from './blob/hierarchy.keyring';

export { EnvelopeCrypto } from './envelope-crypto';
export type { EnvelopeCryptoOptions } from './envelope-crypto';
