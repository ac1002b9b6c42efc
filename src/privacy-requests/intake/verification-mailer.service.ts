import { Injectable, Logger } from '@nestjs/common';
import { MailSendError } from '../notifications/mail-send-error';
import { MailTransport } from '../notifications/mail-transport.service';
import { DEFAULT_MAIL_LANGUAGE, templatesFor } from '../notifications/templates/mail-languages';
import { PrivacyRequestError, PrivacyRequestErrorCode } from '../privacy-request.error';

/** Mails the one-time code of a public request, at once (the subject is waiting for it). */
@Injectable()
export class VerificationMailer {
  private readonly logger = new Logger(VerificationMailer.name);

  constructor(private readonly transport: MailTransport) {}

  /** A mail server that fails is a 503 for the caller, who can file again later. */
  async sendCode(to: string, requestId: string, code: string, minutes: number): Promise<void> {
    const mail = templatesFor(DEFAULT_MAIL_LANGUAGE).verificationCode({ requestId, code, minutes });
    try {
      await this.transport.send(to, mail, { requestId, kind: 'verification-code' });
    } catch (e) {
      this.logger.warn(
        `Verification code of request ${requestId} not mailed: ${MailSendError.from(e).reason}`,
      );
      throw new PrivacyRequestError(
        PrivacyRequestErrorCode.MailUnavailable,
        'The verification code could not be mailed; try again later',
      );
    }
  }
}
