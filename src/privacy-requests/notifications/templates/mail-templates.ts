import type { RequestType } from '../../deadlines/deadline-rules';
import type { LocalDate } from '../local-due-date';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * What each message may show: the request's reference and type, dates, reasons, a link and
 * counts. Never the subject's own data: the address is only the envelope's.
 */
export interface MailData {
  verificationCode: { requestId: string; code: string; minutes: number };
  receipt: { requestId: string; type: RequestType; due: LocalDate };
  extension: { requestId: string; type: RequestType; due: LocalDate; reason: string };
  rejection: { requestId: string; type: RequestType; reason: string };
  completion: {
    requestId: string;
    type: RequestType;
    /** access: the package's download link. */
    download?: { url: string; expiresAt: Date };
    /** erasure, rectification, opt-outs: how many systems took part and records were changed. */
    done?: { systems: number; records: number };
  };
}

/** One language: a typed template per message. */
export type MailTemplates = { [K in keyof MailData]: (data: MailData[K]) => RenderedMail };
