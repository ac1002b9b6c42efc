export const CRYPTO_REWRAP_QUEUE = 'crypto-rewrap';

export enum CryptoRewrapJob {
  RewrapSubjectKeys = 'rewrap-subject-keys',
  /** Repeatable: rotates keyrings whose active version is older than their autoRotatePeriod. */
  AutoRotateKeyrings = 'auto-rotate-keyrings',
}

/** How often keyrings are checked for automatic rotation (periods are at least 1 h). */
export const AUTO_ROTATE_CHECK_EVERY_MS = 5 * 60_000;

export interface RewrapSubjectKeysData {
  rotationId: string;
}

export type AutoRotateKeyringsData = Record<string, never>;

/** Subject keys re-wrapped per batch; progress is saved after each batch. */
export const REWRAP_BATCH_SIZE = 2000;
