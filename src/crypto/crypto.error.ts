import { CryptoError, CryptoErrorCode } from '@libs/crypto';
import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import { DomainError } from 'src/common/errors/domain-error';

export enum FieldCryptoErrorCode {
  Malformed = 'ciphertext-malformed',
  AuthenticationFailed = 'ciphertext-authentication-failed',
  UnknownKey = 'key-unknown',
  Shredded = 'subject-shredded',
  ProviderCannotDecrypt = 'provider-cannot-decrypt',
  ProviderCannotEncrypt = 'provider-cannot-encrypt',
  ProviderFailure = 'key-provider-unavailable',
  InvalidArgument = 'invalid-crypto-argument',
  KeyAliasNotFound = 'key-alias-not-found',
  KeyAliasExists = 'key-alias-exists',
  KeyAliasForbidden = 'key-alias-forbidden',
  ProviderNotConfigured = 'provider-not-configured',
  TooManyFields = 'too-many-fields',
  FieldTooLarge = 'field-too-large',
  Internal = 'crypto-internal',
  KeyVersionDisabled = 'key-version-disabled',
  WrongKeyType = 'key-type-mismatch',
  ActiveVersionLocked = 'key-version-active',
  SettingsRejected = 'key-settings-rejected',
  KeyVersionNotFound = 'key-version-not-found',
}

/**
 * Library codes whose message is the detail: it names only a keyring alias, a version number and
 * key types (never a value or key material), and it is the reason callers need
 * ("key version 1 of pii is disabled").
 */
const MESSAGE_IS_DETAIL: ReadonlySet<CryptoErrorCode> = new Set([
  CryptoErrorCode.KeyVersionDisabled,
  CryptoErrorCode.WrongKeyType,
  CryptoErrorCode.ActiveVersionLocked,
  CryptoErrorCode.SettingsRejected,
]);

const DETAIL_BY_LIB_CODE: Record<CryptoErrorCode, [FieldCryptoErrorCode, string]> = {
  [CryptoErrorCode.Malformed]: [
    FieldCryptoErrorCode.Malformed,
    'A value is not a ciphertext of this service.',
  ],
  [CryptoErrorCode.AuthenticationFailed]: [
    FieldCryptoErrorCode.AuthenticationFailed,
    'A ciphertext failed authentication: it was altered or the context differs.',
  ],
  [CryptoErrorCode.UnknownKey]: [
    FieldCryptoErrorCode.UnknownKey,
    'A ciphertext names a key this service does not know.',
  ],
  [CryptoErrorCode.Shredded]: [
    FieldCryptoErrorCode.Shredded,
    "The subject's data key was destroyed; the data is gone for good.",
  ],
  [CryptoErrorCode.ProviderCannotDecrypt]: [
    FieldCryptoErrorCode.ProviderCannotDecrypt,
    'The configured key provider can only encrypt.',
  ],
  [CryptoErrorCode.ProviderCannotEncrypt]: [
    FieldCryptoErrorCode.ProviderCannotEncrypt,
    'The configured key provider cannot create new keys.',
  ],
  [CryptoErrorCode.ProviderFailure]: [
    FieldCryptoErrorCode.ProviderFailure,
    'The key provider failed; retry later.',
  ],
  [CryptoErrorCode.InvalidConfig]: [
    FieldCryptoErrorCode.Internal,
    'Field encryption is misconfigured.',
  ],
  [CryptoErrorCode.InvalidArgument]: [
    FieldCryptoErrorCode.InvalidArgument,
    'A value or option is not accepted.',
  ],
  [CryptoErrorCode.KeyVersionDisabled]: [
    FieldCryptoErrorCode.KeyVersionDisabled,
    'The key version is disabled.',
  ],
  [CryptoErrorCode.WrongKeyType]: [
    FieldCryptoErrorCode.WrongKeyType,
    'The key is not of the type this operation needs.',
  ],
  [CryptoErrorCode.ActiveVersionLocked]: [
    FieldCryptoErrorCode.ActiveVersionLocked,
    'The active key version cannot be disabled.',
  ],
  [CryptoErrorCode.SettingsRejected]: [
    FieldCryptoErrorCode.SettingsRejected,
    'The key settings break a rule.',
  ],
};

/** Field encryption failures; library CryptoErrors are translated with `from` (prose never passes through). */
export class FieldCryptoError extends DomainError<FieldCryptoErrorCode> {
  constructor(
    code: FieldCryptoErrorCode,
    detail: string,
    errors?: Array<{ field?: string; message: string }>,
  ) {
    super(code, detail, errors);
  }

  /** Maps a library error (optionally naming the request field); anything else is rethrown untouched. */
  static from(error: unknown, field?: string): FieldCryptoError {
    if (error instanceof FieldCryptoError) {
      return error;
    }
    if (!CryptoError.is(error)) {
      throw error;
    }
    const [code, fixed] = DETAIL_BY_LIB_CODE[error.code];
    const detail = MESSAGE_IS_DETAIL.has(error.code) ? `${error.message}.` : fixed;
    return new FieldCryptoError(
      code,
      detail,
      field === undefined ? undefined : [{ field, message: detail }],
    );
  }

  get status(): number {
    switch (this.code) {
      case FieldCryptoErrorCode.InvalidArgument:
        return 400;
      case FieldCryptoErrorCode.KeyAliasForbidden:
        return 403;
      case FieldCryptoErrorCode.KeyAliasNotFound:
      case FieldCryptoErrorCode.KeyVersionNotFound:
        return 404;
      case FieldCryptoErrorCode.KeyAliasExists:
      case FieldCryptoErrorCode.ActiveVersionLocked:
        return 409;
      case FieldCryptoErrorCode.Shredded:
        return 410;
      case FieldCryptoErrorCode.TooManyFields:
      case FieldCryptoErrorCode.FieldTooLarge:
        return 413;
      // A malformed or unknown-key ciphertext is a well-formed body that breaks a rule, like a tampered one.
      case FieldCryptoErrorCode.Malformed:
      case FieldCryptoErrorCode.AuthenticationFailed:
      case FieldCryptoErrorCode.UnknownKey:
      case FieldCryptoErrorCode.ProviderCannotDecrypt:
      case FieldCryptoErrorCode.ProviderCannotEncrypt:
      case FieldCryptoErrorCode.ProviderNotConfigured:
      case FieldCryptoErrorCode.KeyVersionDisabled:
      case FieldCryptoErrorCode.WrongKeyType:
      case FieldCryptoErrorCode.SettingsRejected:
        return 422;
      case FieldCryptoErrorCode.Internal:
        return 500;
      case FieldCryptoErrorCode.ProviderFailure:
        return 503;
      default:
        return assertUnreachable(this.code);
    }
  }
}
