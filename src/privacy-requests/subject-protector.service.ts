import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { Injectable } from '@nestjs/common';
import { isPlainUrl, PersonalDataCipher, serviceContext } from 'src/crypto/personal-data.cipher';
import type { SealedColumn } from 'src/crypto/reseal/sealed-column';
import type { Correction, Subject } from 'src/data-stores/data-store.types';

/** The contexts values were sealed under before the reserved namespace; read only. */
const LEGACY_CONTEXT = { table: 'privacy_requests', column: 'subject' };
const LEGACY_CORRECTIONS_CONTEXT = { table: 'privacy_requests', column: 'corrections' };

const subjectContext = (requestId: string): Record<string, string> =>
  serviceContext('privacy_requests.subject', { request: requestId });
const correctionsContext = (requestId: string): Record<string, string> =>
  serviceContext('privacy_requests.corrections', { request: requestId });
/** A completion webhook's URL may carry a token in its query: sealed like the subject. */
const webhookUrlContext = (requestId: string): Record<string, string> =>
  serviceContext('privacy_requests.webhook_url', { request: requestId });

/**
 * The request's subject is stored encrypted and bound to its request. Requests are never looked
 * up by subject, so no blind index of the subject is kept: one would be a stable, comparable
 * value derived from the e-mail with no use to the service.
 */
@Injectable()
export class SubjectProtector {
  constructor(private readonly cipher: PersonalDataCipher) {}

  seal(subject: Subject, requestId: string): Promise<string> {
    return this.cipher.encrypt(JSON.stringify(subject), {
      context: subjectContext(requestId),
      keyAlias: INTERNAL_ALIAS,
    });
  }

  async open(ciphertext: string, requestId: string): Promise<Subject> {
    return JSON.parse(
      await this.cipher.decryptOwn(ciphertext, subjectContext(requestId), LEGACY_CONTEXT),
    ) as Subject;
  }

  /** A rectification's corrections hold new personal values: encrypted the same way. */
  sealCorrections(corrections: Correction[], requestId: string): Promise<string> {
    return this.cipher.encrypt(JSON.stringify(corrections), {
      context: correctionsContext(requestId),
      keyAlias: INTERNAL_ALIAS,
    });
  }

  async openCorrections(ciphertext: string, requestId: string): Promise<Correction[]> {
    return JSON.parse(
      await this.cipher.decryptOwn(
        ciphertext,
        correctionsContext(requestId),
        LEGACY_CORRECTIONS_CONTEXT,
      ),
    ) as Correction[];
  }

  sealWebhookUrl(url: string, requestId: string): Promise<string> {
    return this.cipher.encrypt(url, {
      context: webhookUrlContext(requestId),
      keyAlias: INTERNAL_ALIAS,
    });
  }

  /** The completion webhook's URL, to post to; never logged nor answered. */
  openWebhookUrl(stored: string, requestId: string): Promise<string> {
    return this.cipher.openUrl(stored, webhookUrlContext(requestId));
  }

  /** Stored subjects as a column `OwnValueResealer` moves (values sealed under the former context). */
  subjects(column: Pick<SealedColumn, 'name' | 'page' | 'replace'>): SealedColumn {
    return {
      ...column,
      keyAlias: INTERNAL_ALIAS,
      contexts: (id) => ({ context: subjectContext(id), legacy: LEGACY_CONTEXT }),
    };
  }

  /** Stored corrections as a column `OwnValueResealer` moves, like the subjects. */
  corrections(column: Pick<SealedColumn, 'name' | 'page' | 'replace'>): SealedColumn {
    return {
      ...column,
      keyAlias: INTERNAL_ALIAS,
      contexts: (id) => ({ context: correctionsContext(id), legacy: LEGACY_CORRECTIONS_CONTEXT }),
    };
  }

  /** Stored completion webhook URLs as a column `OwnValueResealer` seals (rows written before). */
  webhookUrls(column: Pick<SealedColumn, 'name' | 'page' | 'replace'>): SealedColumn {
    return {
      ...column,
      keyAlias: INTERNAL_ALIAS,
      contexts: (id) => ({ context: webhookUrlContext(id), legacy: webhookUrlContext(id) }),
      isPlain: isPlainUrl,
    };
  }

  /** The ids the subject's consent records and data key may live under. */
  static keyIds(subject: Subject): string[] {
    return [...new Set([subject.subjectId, subject.email].filter((v): v is string => !!v))];
  }
}
