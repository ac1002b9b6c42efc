import type { CryptoErrorCode } from '../src/errors/crypto-error-code.enum';
import { CryptoError } from '../src/errors/crypto-error';

/** The CryptoError code `promise` rejects with, or 'resolved'; any other error is rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<CryptoErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof CryptoError) {
      return error.code;
    }
    throw error;
  }
}
