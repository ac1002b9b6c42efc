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
    const batch = await this.prepare(request);
    const rewrapped = await this.store.updateSubjectKeyWraps(
      request.fromVersion,
      batch.targetVersion,
      batch.wraps,
    );
    return {
      targetVersion: batch.targetVersion,
      processed: batch.wraps.length,
      rewrapped,
      nextCursor: batch.nextCursor,
    };
  }

  /** Reads a batch and wraps its keys under the active version, writing nothing yet. */
  private async prepare({ alias, fromVersion, limit, after }: RewrapBatchRequest): Promise<{
    targetVersion: number;
    wraps: Array<{ subjectRef: string; wrappedKey: Buffer }>;
    nextCursor?: string;
  }> {
    const targetVersion = await this.keyring.activeVersion(alias);
    if (fromVersion >= targetVersion) {
      return { targetVersion, wraps: [] };
    }
    const records = await this.store.listSubjectKeysByKeyringVersion(
      alias,
      fromVersion,
      limit,
      after,
    );
    const wraps: Array<{ subjectRef: string; wrappedKey: Buffer }> = [];
    for (const record of records) {
      const next = { ...record, keyringVersion: targetVersion };
      const oldKey = await this.keyringKey(alias, fromVersion);
      const newKey = await this.keyringKey(alias, targetVersion);
      const subjectKey = SubjectKeyWrap.open(oldKey, record, record.wrappedKey);
      const wrappedKey = SubjectKeyWrap.seal(newKey, next, subjectKey);
      subjectKey.fill(0);
      wraps.push({ subjectRef: record.subjectRef, wrappedKey });
    }
    return {
      targetVersion,
      wraps,
      nextCursor: records.length === limit ? records[records.length - 1].subjectRef : undefined,
    };
  }

  /** A keyring key from the cache, unwrapped into it only when it is not there (or was used up). */
  private async keyringKey(alias: string, version: number): Promise<Buffer> {
    const cached = this.keyring.take(alias, version);
    if (cached !== undefined) {
      return cached;
    }
    await this.keyring.load(alias, version);
    const loaded = this.keyring.take(alias, version);
    if (loaded === undefined) {
      throw new CryptoError(
        CryptoErrorCode.UnknownKey,
        `keyring key ${alias} v${version} was evicted during rewrap`,
      );
    }
    return loaded;
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
      // Batch n is written while batch n + 1 is read and wrapped: the database and the
      // cipher work side by side. Progress is still reported in order, after each write.
      let writing: Promise<void> = Promise.resolve();
      do {
        const batch = await this.prepare({ alias, fromVersion, limit: batchSize, after: cursor });
        await writing;
        cursor = batch.nextCursor;
        const reached = cursor;
        writing = this.store
          .updateSubjectKeyWraps(fromVersion, batch.targetVersion, batch.wraps)
          .then(async (moved) => {
            processed += batch.wraps.length;
            rewrapped += moved;
            await options.onProgress?.({
              alias,
              fromVersion,
              targetVersion,
              processed,
              rewrapped,
              cursor: reached,
            });
          });
        // Awaited before the next write or after the loop; this only keeps a failure that
        // arrives while the next batch is prepared from counting as unhandled.
        writing.catch(() => undefined);
      } while (cursor !== undefined);
      await writing;
    }
    return { processed, rewrapped };
  }
}
