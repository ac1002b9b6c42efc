/** What a keyring's versions hold; fixed when the keyring is created. */
export enum KeyringKeyType {
  /** Field, blob and subject-key encryption (the default). */
  Aes256Gcm = 'aes256-gcm',
  /** Keyed hashing: `POST /v1/crypto/hmac`. */
  HmacSha256 = 'hmac-sha256',
  /** ES256 signatures (ECDSA P-256, SHA-256). */
  EcdsaP256 = 'ecdsa-p256',
  /** EdDSA signatures over Ed25519. */
  Ed25519 = 'ed25519',
}

export const KEYRING_KEY_TYPES: readonly KeyringKeyType[] = Object.values(KeyringKeyType);
