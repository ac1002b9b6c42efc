export const CRYPTO_REWRAP_QUEUE = 'crypto-rewrap';

export enum CryptoRewrapJob {
  RewrapSubjectKeys = 'rewrap-subject-keys',
}

export interface RewrapSubjectKeysData {
  rotationId: string;
}

/** Subject keys re-wrapped per batch; progress is saved after each batch. */
export const REWRAP_BATCH_SIZE = 500;
