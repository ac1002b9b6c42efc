import type { CryptoErrorCode } from '../../errors/crypto-error-code.enum';
import type { OpenBatch, SealBatch } from './field-batch.work';

export type FieldBatchRequest =
  | { readonly id: number; readonly seal: SealBatch }
  | { readonly id: number; readonly open: OpenBatch };

/** The values in order, or the CryptoError the batch failed with. */
export type FieldBatchReply =
  | { readonly id: number; readonly values: string[] }
  | { readonly id: number; readonly failure: { code: CryptoErrorCode; message: string } };
