import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { uniqueEmail } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120000);

const TERMINAL = ['completed', 'failed', 'rejected'];

interface View {
  id: string;
  type: string;
  status: string;
  jurisdiction: string;
  dueRule: string;
  events: Array<{ action: string; actorType: string; details: Record<string, unknown> }>;
}

describe('public opt-outs (CCPA §7026) and Global Privacy Control', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let reader: string;
  let smtp: SMTPServer;
  const mails: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks).toString('utf8'));
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    own = await ownDatabase('public_opt_outs');
    t = await createTestApp({
      ...own.env,
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
    });
    // Public requests belong to no API key: people read them, by role.
    reader = await adminToken(t.http);
  });

  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  const filePublic = (body: object, headers: Record<string, string> = {}, app = t) =>
    request(app.http).post('/v1/public/privacy-requests').set(headers).send(body);

  async function view(id: string): Promise<View> {
    const res = await request(t.http)
      .get(`/v1/privacy-requests/${id}`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(200);
    return res.body as View;
  }

  async function settle(id: string): Promise<View> {
    for (let i = 0; i < 150; i++) {
      const v = await view(id);
      if (TERMINAL.includes(v.status)) {
        return v;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`request ${id} did not settle`);
  }

  const mailsTo = (email: string): string[] => mails.filter((m) => m.includes(email));

  it.each(['opt_out_sale', 'opt_out_sharing'])(
    'queues a public %s at once, without a code, under the CCPA, and completes it',
    async (type) => {
      const email = uniqueEmail('opt-out');
      const filed = await filePublic({ type, email }).expect(202);
      expect(filed.body).toEqual({
        id: expect.any(String),
        status: 'queued',
        statusToken: expect.any(String),
      });
      const done = await settle(filed.body.id);
      expect(done).toMatchObject({
        type,
        status: 'completed',
        jurisdiction: 'CCPA',
        dueRule: 'ccpa-15-business-days',
      });
      const queued = done.events.find((e) => e.action === 'privacy_request.queued');
      expect(queued?.details).toMatchObject({ source: 'public', verification: 'not-required' });
      // No code was mailed: there is nothing to verify.
      await new Promise((r) => setTimeout(r, 300));
      expect(mailsTo(email)).toEqual([]);
      await request(t.http)
        .post(`/v1/public/privacy-requests/${filed.body.id}/verify`)
        .send({ code: '123456' })
        .expect(409);
    },
  );

  it('keeps the jurisdiction a public opt-out names', async () => {
    const filed = await filePublic({
      type: 'opt_out_sharing',
      email: uniqueEmail('opt-out'),
      jurisdiction: 'GDPR',
    }).expect(202);
    expect(filed.body.status).toBe('queued');
    expect((await view(filed.body.id)).dueRule).toBe('gdpr-1-calendar-month');
  });

  it('still mails a code for a public access request', async () => {
    const email = uniqueEmail('access');
    const filed = await filePublic({ type: 'access', email }).expect(202);
    expect(filed.body).toEqual({ id: expect.any(String), status: 'pending_verification' });
    for (let i = 0; i < 50 && mailsTo(email).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(mailsTo(email)[0]).toMatch(/code is \d{6}/);
  });

  it('confirms receipt of a public CCPA request to know when its code is verified', async () => {
    const email = uniqueEmail('ack');
    const filed = await filePublic({ type: 'access', email, jurisdiction: 'CCPA' }).expect(202);
    const pending = (await view(filed.body.id)) as View & Record<string, unknown>;
    expect(pending.acknowledgeBy).toEqual(expect.any(String));
    expect(pending.acknowledgedAt).toBeUndefined();
    for (let i = 0; i < 50 && mailsTo(email).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const code = /code is (\d{6})/.exec(mailsTo(email)[0] ?? '')?.[1];
    const before = Date.now();
    await request(t.http)
      .post(`/v1/public/privacy-requests/${filed.body.id}/verify`)
      .send({ code })
      .expect(200);
    const verified = (await view(filed.body.id)) as View & Record<string, unknown>;
    expect(Date.parse(verified.acknowledgedAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(verified.acknowledgedAt as string)).toBeLessThanOrEqual(
      Date.parse(verified.acknowledgeBy as string),
    );
  });

  it('takes Sec-GPC: 1 beside an access request as an opt-out of sale and of sharing, queued at once', async () => {
    const email = uniqueEmail('gpc');
    const filed = await filePublic({ type: 'access', email }, { 'Sec-GPC': '1' }).expect(202);
    expect(filed.body.status).toBe('pending_verification');
    expect(filed.body.gpcOptOuts).toHaveLength(2);
    const optOuts = await Promise.all((filed.body.gpcOptOuts as string[]).map(settle));
    expect(optOuts.map((o) => o.type).sort()).toEqual(['opt_out_sale', 'opt_out_sharing']);
    for (const o of optOuts) {
      expect(o).toMatchObject({ status: 'completed', jurisdiction: 'CCPA' });
      expect(o.events.find((e) => e.action === 'privacy_request.queued')?.details).toMatchObject({
        source: 'public',
        signal: 'gpc',
      });
    }
    // The access request itself still waits for its code.
    expect((await view(filed.body.id)).status).toBe('pending_verification');
  });

  it('adds only the other opt-out when the form already asks for one', async () => {
    const filed = await filePublic(
      { type: 'opt_out_sale', email: uniqueEmail('gpc') },
      { 'Sec-GPC': '1' },
    ).expect(202);
    expect(filed.body.status).toBe('queued');
    expect(filed.body.gpcOptOuts).toHaveLength(1);
    expect((await view(filed.body.gpcOptOuts[0])).type).toBe('opt_out_sharing');
  });

  it('files nothing more without the signal or with Sec-GPC other than 1', async () => {
    for (const headers of [{}, { 'Sec-GPC': '0' }] as Array<Record<string, string>>) {
      const filed = await filePublic({ type: 'erasure', email: uniqueEmail('no-gpc') }, headers);
      expect(filed.status).toBe(202);
      expect(filed.body.gpcOptOuts).toBeUndefined();
    }
  });

  it('rate-limits public opt-outs like every public call', async () => {
    const strict = await createTestApp({
      ...own.env,
      RATE_LIMIT_PUBLIC_PER_IP: '3',
      REDIS_PREFIX: `${own.env.REDIS_PREFIX}:opt-out-limits`,
      WORKERS: 'false',
    });
    try {
      for (let i = 0; i < 3; i++) {
        await filePublic({ type: 'opt_out_sale', email: uniqueEmail('burst') }, {}, strict).expect(
          202,
        );
      }
      const blocked = await filePublic(
        { type: 'opt_out_sale', email: uniqueEmail('burst') },
        {},
        strict,
      ).expect(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await strict.close();
    }
  });
});
