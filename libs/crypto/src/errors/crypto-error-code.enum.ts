/** Stable codes that the service maps to HTTP statuses; never reuse a value for another meaning. */
export enum CryptoErrorCode {
  /** The input is not a ciphertext this library wrote (bad encoding, version, lengths). */
  Malformed = 'MALFORMED',
  /**
   * Authentication failed: the ciphertext was altered or the context differs. AES-GCM cannot
   * tell the two apart, so one code covers both.
   */
  AuthenticationFailed = 'AUTHENTICATION_FAILED',
  /** The key a ciphertext names was never known here. */
  UnknownKey = 'UNKNOWN_KEY',
  /** The subject's key was destroyed on purpose (crypto-shredding). */
  Shredded = 'SHREDDED',
  /** The provider holds only a public key (or equivalent) and cannot unwrap. */
  ProviderCannotDecrypt = 'PROVIDER_CANNOT_DECRYPT',
  /** The provider cannot wrap new keys. */
  ProviderCannotEncrypt = 'PROVIDER_CANNOT_ENCRYPT',
  /** The provider (KMS, HSM, SDK keyring) failed or refused the request. */
  ProviderFailure = 'PROVIDER_FAILURE',
  /** Configuration rejected at construction time. */
  InvalidConfig = 'INVALID_CONFIG',
  /** An argument is outside what the operation accepts (key size, tag length, context shape). */
  InvalidArgument = 'INVALID_ARGUMENT',
  /** The key version is disabled or below its keyring's minimum decryption version. */
  KeyVersionDisabled = 'KEY_VERSION_DISABLED',
  /** The keyring's type does not do this operation (HMAC with an AES key, signing with HMAC). */
  WrongKeyType = 'WRONG_KEY_TYPE',
  /** The active version of a keyring cannot be disabled. */
  ActiveVersionLocked = 'ACTIVE_VERSION_LOCKED',
  /** Keyring settings that break a rule (a minimum decryption version above the active one). */
  SettingsRejected = 'SETTINGS_REJECTED',
}
