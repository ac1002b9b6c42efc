import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { KeyStore } from './key-store.port';
import type { KeyringManager } from './keyring.manager';
import { SubjectKeyWrap } from './subject-key.wrap';

export interface RewrapBatchRequest {
  readonly alias: string;
  /** The keyring version whose subject keys are moved to the active version. */
  readonly fromVersion: number;
  readonly limit: number;
  /** Cursor from the previous batch (a subjectRef); absent for the first batch. */
  readonly after?: string;
}

export interface RewrapBatchResult {
  readonly targetVersion: number;
  /** Keys read in this batch. */
  readonly processed: number;
  /** Keys moved by this batch (others were changed or shredded meanwhile). */
  readonly rewrapped: number;
  /** Pass as `after` to continue; undefined when this version is done. */
  readonly nextCursor?: string;
}

export interface RewrapProgress {
  readonly alias: string;
  readonly fromVersion: number;
  readonly targetVersion: number;
  readonly processed: number;
  readonly rewrapped: number;
  readonly cursor?: string;
}

/**
 * Moves subject keys from older keyring versions to the active one in batches, so a background
 * job can run, report and resume it. Subject keys themselves do not change, so field ciphertexts
 * stay valid; until a key is moved it is still read through its old keyring version.
 */
export class SubjectKeyRewrapper {
  constructor(
    private readonly store: KeyStore,
    private readonly keyring: KeyringManager,
  ) {}

  async rewrapBatch(request: RewrapBatchRequest): Promise<RewrapBatchResult> {
    const { alias, fromVersion, limit, after } = request;
    const targetVersion = await this.keyring.activeVersion(alias);
    if (fromVersion >= targetVersion) {
      return { targetVersion, processed: 0, rewrapped: 0 };
    }
    const records = await this.store.listSubjectKeysByKeyringVersion(
      alias,
      fromVersion,
      limit,
      after,
    );
    await this.keyring.load(alias, fromVersion);
    await this.keyring.load(alias, targetVersion);
    let rewrapped = 0;
    for (const record of records) {
      const next = { ...record, keyringVersion: targetVersion };
      const oldKey = this.keyring.take(alias, fromVersion);
      const newKey = this.keyring.take(alias, targetVersion);
      if (oldKey === undefined || newKey === undefined) {
        throw new CryptoError(
          CryptoErrorCode.UnknownKey,
          `keyring keys of ${alias} were evicted during rewrap`,
        );
      }
      const subjectKey = SubjectKeyWrap.open(oldKey, record, record.wrappedKey);
      const wrappedKey = SubjectKeyWrap.seal(newKey, next, subjectKey);
      subjectKey.fill(0);
      if (
        await this.store.updateSubjectKeyWrap(record.subjectRef, fromVersion, {
          keyringVersion: targetVersion,
          wrappedKey,
        })
      ) {
        rewrapped += 1;
      }
    }
    return {
      targetVersion,
      processed: records.length,
      rewrapped,
      nextCursor: records.length === limit ? records[records.length - 1].subjectRef : undefined,
    };
  }

  /** Every version below the active one, batch by batch, reporting progress after each batch. */
  async rewrapAll(
    alias: string,
    options: {
      batchSize?: number;
      onProgress?: (progress: RewrapProgress) => void | Promise<void>;
    } = {},
  ): Promise<{ processed: number; rewrapped: number }> {
    const batchSize = options.batchSize ?? 500;
    const targetVersion = await this.keyring.activeVersion(alias);
    let processed = 0;
    let rewrapped = 0;
    for (let fromVersion = 1; fromVersion < targetVersion; fromVersion += 1) {
      let cursor: string | undefined;
      do {
        const batch = await this.rewrapBatch({
          alias,
          fromVersion,
          limit: batchSize,
          after: cursor,
        });
        processed += batch.processed;
        rewrapped += batch.rewrapped;
        cursor = batch.nextCursor;
        await options.onProgress?.({
          alias,
          fromVersion,
          targetVersion,
          processed,
          rewrapped,
          cursor,
        });
      } while (cursor !== undefined);
    }
    return { processed, rewrapped };
  }
}
