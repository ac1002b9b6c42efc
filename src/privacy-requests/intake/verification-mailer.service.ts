import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from 'src/config/app-config';

/** Mails one-time codes through SMTP_URL; outside production without it, logs the code at debug. */
@Injectable()
export class VerificationMailer implements OnModuleDestroy {
  private readonly logger = new Logger(VerificationMailer.name);
  private readonly transport?: Transporter;

  constructor(private readonly config: AppConfig) {
    if (config.smtp.url) {
      this.transport = createTransport(config.smtp.url);
    }
  }

  async sendCode(to: string, requestId: string, code: string): Promise<void> {
    if (!this.transport) {
      this.logger.debug(`Verification code for privacy request ${requestId}: ${code}`);
      return;
    }
    await this.transport.sendMail({
      from: this.config.smtp.from,
      to,
      subject: 'Your privacy request verification code',
      text:
        `Your verification code is ${code}.\n` +
        `It expires in 15 minutes. Request reference: ${requestId}.\n` +
        'If you did not ask for this, ignore this message.',
    });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
