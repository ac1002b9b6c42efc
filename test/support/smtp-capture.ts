import { simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server on loopback that keeps every message it accepts, parsed. */
export class SmtpCapture {
  readonly mails: CapturedMail[] = [];
  /** Recipients whose next messages are refused with 451 (try again later), and how many. */
  readonly refuse = new Map<string, number>();
  /** Messages refused so far. */
  refused = 0;
  private readonly server: SMTPServer;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(',');
          const left = this.refuse.get(to) ?? 0;
          if (left > 0) {
            this.refuse.set(to, left - 1);
            this.refused++;
            cb(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
            return;
          }
          simpleParser(Buffer.concat(chunks)).then(
            (m) => {
              this.mails.push({
                to,
                from: m.from?.text ?? '',
                subject: m.subject ?? '',
                text: m.text ?? '',
                html: typeof m.html === 'string' ? m.html : '',
                messageId: m.messageId ?? '',
              });
              cb();
            },
            (e: Error) => cb(e),
          );
        });
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  to(address: string): CapturedMail[] {
    return this.mails.filter((m) => m.to === address);
  }

  /** The first mail to `address` whose subject has `subject`, waiting for it to arrive. */
  async waitFor(address: string, subject: string, timeoutMs = 30_000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(address).find((m) => m.subject.includes(subject));
      if (found) {
        return found;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no mail "${subject}" to ${address}; got ${JSON.stringify(this.to(address).map((m) => m.subject))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
