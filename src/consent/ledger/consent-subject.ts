import { Injectable } from '@nestjs/common';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { ConsentError, ConsentErrorCode } from '../consent.error';
import { MAX_SUBJECT_ID_LENGTH } from '../consent.types';

const SUBJECT_FIELD = 'consent.subject';
const SUBJECT_CONTEXT = { table: 'consent_events', column: 'subject_id' };

/**
 * Subject identifiers may be e-mails: look-ups use a keyed blind index (`subject_ref`), and the
 * identifier itself is stored only encrypted under the subject's own key, so shredding that key
 * leaves the ledger without anything readable about the person.
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
    return this.cipher.blindIndex(SUBJECT_FIELD, subjectId);
  }

  seal(subjectId: string): Promise<string> {
    return this.cipher.encrypt(subjectId, { context: SUBJECT_CONTEXT, subjectId });
  }

  /** Null once the subject's key has been shredded (or the value cannot be opened). */
  async open(sealed: string): Promise<string | null> {
    try {
      return await this.cipher.decrypt(sealed, { context: SUBJECT_CONTEXT });
    } catch {
      return null;
    }
  }
}
