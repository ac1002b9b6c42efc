import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import type { KeyStore } from './key-store.port';
import type { KeyringManager } from './keyring.manager';
import { SubjectKeyWrap, type SubjectKeyBinding } from './subject-key.wrap';

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
    return {
      targetVersion,
      wraps: await this.wrapAll(alias, fromVersion, targetVersion, records),
      nextCursor: records.length === limit ? records[records.length - 1].subjectRef : undefined,
    };
  }

  /**
   * Both keyring keys are taken once for the whole batch, charged with its size, and used before
   * anything is awaited (a key taken before an await may be evicted and zeroed meanwhile).
   */
  private async wrapAll(
    alias: string,
    fromVersion: number,
    targetVersion: number,
    records: ReadonlyArray<SubjectKeyBinding & { readonly wrappedKey: Buffer }>,
  ): Promise<Array<{ subjectRef: string; wrappedKey: Buffer }>> {
    if (records.length === 0) {
      return [];
    }
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const oldKey = this.keyring.take(alias, fromVersion, records.length);
      const newKey = oldKey && this.keyring.take(alias, targetVersion, records.length);
      if (oldKey !== undefined && newKey !== undefined) {
        const wraps = new Array<{ subjectRef: string; wrappedKey: Buffer }>(records.length);
        for (let i = 0; i < records.length; i += 1) {
          const record = records[i];
          wraps[i] = {
            subjectRef: record.subjectRef,
            wrappedKey: SubjectKeyWrap.rewrap(
              oldKey,
              newKey,
              record,
              targetVersion,
              record.wrappedKey,
            ),
          };
        }
        return wraps;
      }
      await this.keyring.load(alias, fromVersion);
      await this.keyring.load(alias, targetVersion);
    }
    throw new CryptoError(
      CryptoErrorCode.UnknownKey,
      `keyring keys ${alias} v${fromVersion} and v${targetVersion} were evicted during rewrap`,
    );
  }

  /**
   * Every version below the active one, batch by batch, reporting progress after each batch in
   * order. Batches are read and wrapped while earlier ones are written, and up to
   * `writesInFlight` writes (2 by default) run at once on their own connections: the database's
   * update of a batch, not the cipher, is the slower half.
   */
  async rewrapAll(
    alias: string,
    options: {
      batchSize?: number;
      writesInFlight?: number;
      onProgress?: (progress: RewrapProgress) => void | Promise<void>;
    } = {},
  ): Promise<{ processed: number; rewrapped: number }> {
    const batchSize = options.batchSize ?? 500;
    const writesInFlight = Math.max(1, options.writesInFlight ?? 2);
    const targetVersion = await this.keyring.activeVersion(alias);
    let processed = 0;
    let rewrapped = 0;
    for (let fromVersion = 1; fromVersion < targetVersion; fromVersion += 1) {
      let cursor: string | undefined;
      // Each entry settles once its batch is written and it and every earlier batch reported.
      const inFlight: Array<Promise<void>> = [];
      let failure: { error: unknown } | undefined;
      try {
        do {
          const batch = await this.prepare({ alias, fromVersion, limit: batchSize, after: cursor });
          if (inFlight.length >= writesInFlight) {
            await inFlight.shift();
          }
          if (failure !== undefined) {
            throw failure.error;
          }
          cursor = batch.nextCursor;
          const reached = cursor;
          const written = this.store.updateSubjectKeyWraps(
            fromVersion,
            batch.targetVersion,
            batch.wraps,
          );
          // Noted at once, so that no further write starts after one has failed.
          written.catch((error: unknown) => {
            failure ??= { error };
          });
          const reported = Promise.all([inFlight[inFlight.length - 1], written]).then(
            async ([, moved]) => {
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
            },
          );
          // Awaited in order below; this only keeps an early failure from counting as unhandled.
          reported.catch(() => undefined);
          inFlight.push(reported);
        } while (cursor !== undefined);
        for (const reported of inFlight) {
          await reported;
        }
      } catch (error) {
        // No write of this call is left running once it has failed.
        await Promise.allSettled(inFlight);
        throw error;
      }
    }
    return { processed, rewrapped };
  }
}
