import { Injectable } from '@nestjs/common';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import type { Subject } from 'src/data-stores/data-store.types';

const CONTEXT = { table: 'privacy_requests', column: 'subject' };

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

  /** The ids the subject's consent records and data key may live under. */
  static keyIds(subject: Subject): string[] {
    return [...new Set([subject.subjectId, subject.email].filter((v): v is string => !!v))];
  }
}
