import { Injectable } from '@nestjs/common';
import { PersonalDataCipher, serviceContext } from 'src/crypto/personal-data.cipher';
import type { SealedColumn } from 'src/crypto/reseal/sealed-column';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import { MAX_SUBJECT_ID_LENGTH } from '../consent.types';

/** The field of the ledger's first index, which `POST /v1/crypto/blind-index` also computes. */
const LEGACY_SUBJECT_FIELD = 'consent.subject';
/** In the reserved namespace: the public crypto API cannot compute it. */
const SUBJECT_FIELD = 'svc:consent.subject';
/** Tells a reserved index from a first one (base64url, which has no dot). */
export const SUBJECT_REF_PREFIX = 'svc.';

const SUBJECT_CONTEXTS = {
  context: serviceContext('consent_events.subject', {}),
  legacy: { table: 'consent_events', column: 'subject_id' },
};

/**
 * Subject identifiers may be e-mails: look-ups use a keyed blind index (`subject_ref`), and the
 * identifier itself is stored only encrypted under the subject's own key, in the reserved
 * context, so shredding that key leaves the ledger without anything readable about the person.
 * The index is keyed twice: the ledger's first index (case and space folded, under the field
 * `consent.subject`) indexed again under a reserved field. The public API can compute the first
 * but never the second, and rows indexed before move by re-indexing their stored index alone,
 * without their plaintext, shredded subjects included.
 */
@Injectable()
export class ConsentSubjects {
  constructor(private readonly cipher: PersonalDataCipher) {}

  ref(subjectId: string): string {
    if (!subjectId.trim() || subjectId.length > MAX_SUBJECT_ID_LENGTH) {
      throw new ConsentError(
        ConsentErrorCode.InvalidSubjectId,
        `subjectId must be 1-${MAX_SUBJECT_ID_LENGTH} characters and not blank.`,
      );
    }
    return this.refOfLegacy(this.cipher.blindIndex(LEGACY_SUBJECT_FIELD, subjectId));
  }

  /** The index of a subject whose row still holds the ledger's first index. */
  refOfLegacy(legacyRef: string): string {
    return `${SUBJECT_REF_PREFIX}${this.cipher.serviceIndex(SUBJECT_FIELD, legacyRef)}`;
  }

  seal(subjectId: string): Promise<string> {
    return this.cipher.encrypt(subjectId, { context: SUBJECT_CONTEXTS.context, subjectId });
  }

  /** Null once the subject's key has been shredded (or the value cannot be opened). */
  async open(sealed: string): Promise<string | null> {
    try {
      return await this.cipher.decryptOwn(
        sealed,
        SUBJECT_CONTEXTS.context,
        SUBJECT_CONTEXTS.legacy,
      );
    } catch {
      return null;
    }
  }

  /** The sealed identifiers of `column`'s rows, moved to the reserved context at start-up. */
  sealedColumn(column: Pick<SealedColumn, 'name' | 'page' | 'replace'>): SealedColumn {
    return { ...column, contexts: () => SUBJECT_CONTEXTS, subjectOf: (subjectId) => subjectId };
  }
}
