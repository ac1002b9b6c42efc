import { Inject, Injectable } from '@nestjs/common';
import type { EnvelopeCrypto } from '@libs/crypto';
import { PassThrough, type Readable } from 'node:stream';
import { CryptoCacheBus, CryptoCacheEvent } from './crypto-cache.bus';
import { FieldCryptoError, FieldCryptoErrorCode } from './crypto.error';
import { ENVELOPE_CRYPTO } from './envelope-crypto.token';
import { destroySubjectKeysAfterChange } from './key-store/postgres.key-store';

/**
 * Context keys starting with this belong to the service's own ciphertexts: the public crypto API
 * refuses them (400), so a `crypto:decrypt` key can never present the context those were sealed
 * under, however well it guesses the rest.
 */
export const SERVICE_CONTEXT_PREFIX = 'svc:';

/** The context of one of the service's own fields, bound to the row (and user) it belongs to. */
export function serviceContext(
  field: string,
  binding: Record<string, string>,
): Record<string, string> {
  const context: Record<string, string> = { [`${SERVICE_CONTEXT_PREFIX}field`]: field };
  for (const [k, v] of Object.entries(binding)) {
    context[`${SERVICE_CONTEXT_PREFIX}${k}`] = v;
  }
  return context;
}

/** True for a URL stored before URLs were sealed: base64url ciphertexts hold no `:`. */
export const isPlainUrl = (stored: string): boolean => stored.includes(':');

export interface PersonalDataEncryptOptions {
  /** Bound to the ciphertext as AAD (e.g. `{table: 'consents', column: 'subject_id'}`); required again to decrypt. */
  context?: Record<string, string>;
  /** Seal under this subject's own key, so `shredSubject` makes the value unreadable for good. */
  subjectId?: string;
  /** Keyring alias; the service default when absent (`INTERNAL_ALIAS` for the service's own values). */
  keyAlias?: string;
}

/**
 * How the service encrypts the personal data it stores itself. Encryption is async (keys may
 * need a database or provider round trip), and TypeORM column transformers are synchronous, so
 * encrypt in the repository/service layer before saving and decrypt after loading; store blind
 * indexes beside the ciphertext for look-ups. Failures are FieldCryptoErrors (410 after shredding,
 * 422 for a wrong context or altered value).
 */
@Injectable()
export class PersonalDataCipher {
  constructor(
    @Inject(ENVELOPE_CRYPTO) private readonly crypto: EnvelopeCrypto,
    private readonly bus: CryptoCacheBus,
  ) {}

  async encrypt(value: string, opts: PersonalDataEncryptOptions = {}): Promise<string> {
    try {
      return await this.crypto.fields.encrypt(value, {
        context: opts.context,
        subjectId: opts.subjectId,
        keyAlias: opts.keyAlias,
      });
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
  }

  async decrypt(
    ciphertext: string,
    opts: { context?: Record<string, string> } = {},
  ): Promise<string> {
    try {
      return await this.crypto.fields.decrypt(ciphertext, { context: opts.context });
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
  }

  /**
   * Decrypts one of the service's own values under its reserved context; a value sealed before
   * contexts were reserved is read under the `legacy` context it was sealed with, so existing
   * installations keep working; values written since use the reserved context only.
   */
  async decryptOwn(
    ciphertext: string,
    context: Record<string, string>,
    legacy: Record<string, string>,
  ): Promise<string> {
    try {
      return await this.decrypt(ciphertext, { context });
    } catch (error) {
      if (
        !(error instanceof FieldCryptoError) ||
        error.code !== FieldCryptoErrorCode.AuthenticationFailed
      ) {
        throw error;
      }
      return this.decrypt(ciphertext, { context: legacy });
    }
  }

  /**
   * The value sealed anew under its reserved `context` (and `keyAlias`), or null when it already
   * is. A value still under its `legacy` context is opened with it; a value under a subject's own
   * key stays under that key (`subjectOf` names the subject from the plaintext).
   */
  async resealOwn(
    ciphertext: string,
    contexts: { context: Record<string, string>; legacy: Record<string, string> },
    opts: { keyAlias?: string; subjectOf?: (plaintext: string) => string } = {},
  ): Promise<string | null> {
    let plaintext: string;
    try {
      plaintext = await this.decrypt(ciphertext, { context: contexts.context });
      if (opts.keyAlias === undefined || this.aliasOf(ciphertext) === opts.keyAlias) {
        return null;
      }
    } catch (error) {
      if (
        !(error instanceof FieldCryptoError) ||
        error.code !== FieldCryptoErrorCode.AuthenticationFailed
      ) {
        throw error;
      }
      plaintext = await this.decrypt(ciphertext, { context: contexts.legacy });
    }
    return this.encrypt(plaintext, {
      context: contexts.context,
      keyAlias: opts.keyAlias,
      subjectId: opts.subjectOf?.(plaintext),
    });
  }

  private aliasOf(ciphertext: string): string {
    try {
      return this.crypto.fields.describe(ciphertext).alias;
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
  }

  /**
   * A URL the service keeps sealed (it may carry credentials). One stored before URLs were sealed
   * is still plain: it has a scheme, which a ciphertext (base64url) never has.
   */
  async openUrl(stored: string, context: Record<string, string>): Promise<string> {
    return isPlainUrl(stored) ? stored : this.decrypt(stored, { context });
  }

  /** Equality look-up key: trimmed and lower-cased, HMAC under a per-field key; stable across restarts. */
  blindIndex(field: string, value: string): string {
    try {
      return this.crypto.blindIndex.compute(field, value, { trim: true, lowercase: true });
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
  }

  /**
   * An index of one of the service's own values, for a field in the reserved namespace (which
   * `/v1/crypto/*` refuses), without case or space folding: for values that are themselves
   * indexes or identifiers.
   */
  serviceIndex(field: string, value: string): string {
    if (!field.startsWith(SERVICE_CONTEXT_PREFIX)) {
      throw new FieldCryptoError(
        FieldCryptoErrorCode.InvalidArgument,
        `Service index fields start with ${SERVICE_CONTEXT_PREFIX}`,
      );
    }
    try {
      return this.crypto.blindIndex.compute(field, value, { trim: false, lowercase: false });
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
  }

  /** Crypto-shredding: the subject's key is destroyed and every instance drops its cached copy. */
  async shredSubject(subjectId: string): Promise<void> {
    try {
      await this.crypto.subjects.shred(subjectId);
    } catch (error) {
      throw FieldCryptoError.from(error);
    }
    await this.bus.publish(CryptoCacheEvent.SubjectShredded);
  }

  /**
   * Crypto-shredding made by a caller's audited change, committing with it: each subject's keys
   * only when the change returned its row (`row`, a uuid, as `id`). The CTE to add after the
   * change, its parameters numbered from `first`.
   * Once it has committed, `subjectsShredded` makes every instance drop its cached copies.
   */
  shredAfterChange(
    subjects: Array<{ row: string; subjectIds: string[] }>,
    first: number,
  ): { then: Array<{ name: string; sql: string }>; params: unknown[] } {
    const refs = subjects.flatMap(({ row, subjectIds }) =>
      [...new Set(subjectIds.map((id) => this.crypto.subjects.subjectRef(id)))].map((ref) => ({
        row,
        ref,
      })),
    );
    return destroySubjectKeysAfterChange(refs, new Date(), first);
  }

  /** After `shredAfterChange`'s change committed: every instance drops its cached subject keys. */
  async subjectsShredded(): Promise<void> {
    await this.bus.publish(CryptoCacheEvent.SubjectShredded);
  }

  /** AWS Encryption SDK message (committing, non-signing suite) for blobs such as export packages. */
  encryptStream(input: Readable, context: Record<string, string>): Readable {
    return PersonalDataCipher.mapErrors(this.crypto.blobs.encrypt(input, { context }));
  }

  /** With `context`, each pair must be in the message's context, else the stream fails with 422. */
  decryptStream(input: Readable, context?: Record<string, string>): Readable {
    return PersonalDataCipher.mapErrors(this.crypto.blobs.decrypt(input, { context }));
  }

  private static mapErrors(source: Readable): Readable {
    const out = new PassThrough();
    source.once('error', (error: unknown) => {
      let mapped: Error;
      try {
        mapped = FieldCryptoError.from(error);
      } catch (other) {
        mapped = other as Error;
      }
      out.destroy(mapped);
    });
    return source.pipe(out);
  }
}
