import { Injectable } from '@nestjs/common';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import type { Correction, Subject } from 'src/data-stores/data-store.types';

const CONTEXT = { table: 'privacy_requests', column: 'subject' };
const CORRECTIONS_CONTEXT = { table: 'privacy_requests', column: 'corrections' };

/** The request's subject is stored encrypted; blind indexes find requests by email or id. */
@Injectable()
export class SubjectProtector {
  constructor(private readonly cipher: PersonalDataCipher) {}

  async seal(
    subject: Subject,
  ): Promise<{ ciphertext: string; emailIndex: string | null; subjectIdIndex: string | null }> {
    return {
      ciphertext: await this.cipher.encrypt(JSON.stringify(subject), { context: CONTEXT }),
      emailIndex: subject.email ? this.cipher.blindIndex('dsr.email', subject.email) : null,
      subjectIdIndex: subject.subjectId
        ? this.cipher.blindIndex('dsr.subject_id', subject.subjectId)
        : null,
    };
  }

  async open(ciphertext: string): Promise<Subject> {
    return JSON.parse(await this.cipher.decrypt(ciphertext, { context: CONTEXT })) as Subject;
  }

  /** A rectification's corrections hold new personal values: encrypted the same way. */
  sealCorrections(corrections: Correction[]): Promise<string> {
    return this.cipher.encrypt(JSON.stringify(corrections), { context: CORRECTIONS_CONTEXT });
  }

  async openCorrections(ciphertext: string): Promise<Correction[]> {
    return JSON.parse(
      await this.cipher.decrypt(ciphertext, { context: CORRECTIONS_CONTEXT }),
    ) as Correction[];
  }

  /** The ids the subject's consent records and data key may live under. */
  static keyIds(subject: Subject): string[] {
    return [...new Set([subject.subjectId, subject.email].filter((v): v is string => !!v))];
  }
}
