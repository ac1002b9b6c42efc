import { Injectable } from '@nestjs/common';
import { MailTransport } from '../notifications/mail-transport.service';
import { DEFAULT_MAIL_LANGUAGE, templatesFor } from '../notifications/templates/mail-languages';

/** Mails the one-time code of a public request, at once (the subject is waiting for it). */
@Injectable()
export class VerificationMailer {
  constructor(private readonly transport: MailTransport) {}

  async sendCode(to: string, requestId: string, code: string, minutes: number): Promise<void> {
    const mail = templatesFor(DEFAULT_MAIL_LANGUAGE).verificationCode({ requestId, code, minutes });
    await this.transport.send(to, mail, { requestId, kind: 'verification-code' });
  }
}
