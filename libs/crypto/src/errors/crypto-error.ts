import { CryptoErrorCode } from './crypto-error-code.enum';

/** The only error type this library throws on purpose; `code` is the contract, `message` is prose. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static is(error: unknown, code?: CryptoErrorCode): error is CryptoError {
    return error instanceof CryptoError && (code === undefined || error.code === code);
  }
}
