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
}

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
    const [code, detail] = DETAIL_BY_LIB_CODE[error.code];
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
        return 404;
      case FieldCryptoErrorCode.KeyAliasExists:
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
