import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from 'src/config/app-config';
import type { RenderedMail } from './templates/mail-templates';

/** Names a mail in logs and file names: ids and kinds only, never the address. */
export interface MailLabel {
  requestId: string;
  kind: string;
}

/**
 * Sends through SMTP_URL. Outside production without it (configuration refuses production
 * without it), each mail is written whole as an .eml file under MAIL_DIR and the file is named
 * in the log, so a developer can follow what subjects would receive.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transport: Transporter;
  private readonly dir?: string;

  constructor(private readonly config: AppConfig) {
    if (config.smtp.url) {
      this.transport = createTransport({
        url: config.smtp.url,
        // Bounded, so a send is never still running when its outbox row is taken as interrupted.
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      });
    } else {
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      this.dir = resolve(config.smtp.dir);
    }
  }

  /** Resolves once the server has accepted the message (or the file is written). */
  async send(to: string, mail: RenderedMail, label: MailLabel): Promise<void> {
    const info = (await this.transport.sendMail({
      from: this.config.smtp.from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${label.requestId}.${label.kind}@${this.domain()}>`,
    })) as { message?: Buffer };
    if (this.dir && info.message) {
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- MAIL_DIR, a time stamp, the request's UUID and a fixed mail kind
      await mkdir(this.dir, { recursive: true });
      const file = join(this.dir, `${stamp()}-${label.requestId}-${label.kind}.eml`);
      // Written under a name no reader looks for, then renamed: a mail reader never opens half a mail.
      const partial = `${file}.part`;
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- MAIL_DIR, a time stamp, the request's UUID and a fixed mail kind
      await writeFile(partial, info.message, { mode: 0o600 });
      // eslint-disable-next-line security/detect-non-literal-fs-filename -- the same names as above
      await rename(partial, file);
      this.logger.log(
        `Mail (${label.kind}) of privacy request ${label.requestId} written to ${file}`,
      );
    }
  }

  /** After the workers have drained (a mail being sent finishes first). */
  onApplicationShutdown(): void {
    this.transport.close();
  }

  private domain(): string {
    return this.config.smtp.from.split('@')[1] ?? 'localhost';
  }
}

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');
