import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface HttpStoreCall {
  requestId: string;
  type: string;
  subject: { email?: string };
  corrections?: Array<{ collection?: string; field: string; value: unknown }>;
}

/**
 * A product backend for tests: keeps records per email, checks the signature, answers
 * access/erasure/opt-out as the contract says, and records every call it accepted.
 */
export class TestHttpStore {
  readonly calls: HttpStoreCall[] = [];
  readonly records = new Map<string, { profiles: object[]; events: object[] }>();
  readonly optedOut = new Map<string, Set<string>>();
  rejectedSignatures = 0;
  /** Called before an answer, so a test can hold the store (e.g. to kill a worker meanwhile). */
  onCall: (call: HttpStoreCall) => Promise<void> = () => Promise.resolve();
  private server?: Server;

  constructor(readonly secret: string) {}

  seed(email: string, n = 2): void {
    this.records.set(email.toLowerCase(), {
      profiles: [{ email, plan: 'pro' }],
      events: Array.from({ length: n }, (_, i) => ({ email, event: `login-${i}` })),
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/privacy`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    if (req.method !== 'POST') {
      return [200, { ok: true }];
    }
    const chunks: Buffer[] = [];
    for await (const c of req) {
      chunks.push(c as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', this.secret).update(raw).digest('hex')}`,
    );
    const given = Buffer.from(String(req.headers['x-signature'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.rejectedSignatures++;
      return [401, { error: 'bad signature' }];
    }
    const call = JSON.parse(raw.toString('utf8')) as HttpStoreCall;
    this.calls.push(call);
    await this.onCall(call);
    const email = (call.subject.email ?? '').toLowerCase();
    switch (call.type) {
      case 'access':
        return [200, { data: this.records.get(email) ?? { profiles: [], events: [] } }];
      case 'erasure': {
        const r = this.records.get(email);
        this.records.delete(email);
        return [200, { count: r ? r.profiles.length + r.events.length : 0 }];
      }
      case 'rectification': {
        const r = this.records.get(email);
        for (const profile of (r?.profiles ?? []) as Array<Record<string, unknown>>) {
          for (const k of call.corrections ?? []) {
            profile[k.field] = k.value;
          }
        }
        return [200, { count: r ? r.profiles.length : 0 }];
      }
      default: {
        const set = this.optedOut.get(email) ?? new Set<string>();
        const fresh = !set.has(call.type);
        set.add(call.type);
        this.optedOut.set(email, set);
        return [200, { count: fresh ? 1 : 0 }];
      }
    }
  }
}
