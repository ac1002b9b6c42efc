import AdmZip from 'adm-zip';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { SubjectMailSweeper } from 'src/privacy-requests/notifications/subject-mail-sweeper.service';
import { SUBJECT_MAIL_QUEUE } from 'src/privacy-requests/notifications/subject-mail.jobs';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { until } from './support/http-store-service';
import { deleteAllStores } from './support/shop-fixture';
import { ownDatabase } from './support/own-database';
import { freePort } from './support/spawn-service';
import { SmtpCapture } from './support/smtp-capture';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

const TERMINAL = ['completed', 'failed', 'rejected'];

/** The due day as a reader in the zone sees it, computed here independently of the service. */
function dayIn(zone: string, at: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

describe('mail to data subjects and their status look-up', () => {
  const smtp = new SmtpCapture();
  const store = new TestHttpStore('subject-mail-store-secret-0457');
  let t: TestApp;
  let env: Record<string, string>;
  let admin: string;
  let writer: string;
  let reader: string;
  let dpo: Record<string, string>;
  let db: Client;
  let own: Awaited<ReturnType<typeof ownDatabase>>;

  beforeAll(async () => {
    own = await ownDatabase('subject_mail');
    env = {
      ...own.env,
      SMTP_URL: await smtp.start(),
      SMTP_FROM: 'privacy@shop.example',
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'subject-mail-exports-')),
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      PUBLIC_BASE_URL: 'https://privacy.shop.example',
      LOG_LEVEL: process.env.MAIL_TEST_LOG ?? 'silent',
    };
    t = await createTestApp(env);
    admin = await adminToken(t.http);
    writer = (await createApiKey(t.http, admin, ['requests:write'])).key;
    reader = admin;
    dpo = { Authorization: `Bearer ${(await createUser(t.http, admin, ['dpo'])).token}` };
    await deleteAllStores(t, admin);
    await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        name: 'crm',
        type: 'http',
        connection: { url: await store.start(), secret: store.secret },
        collections: [],
      })
      .expect(201);
    db = new Client({ connectionString: t.config.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    if (t) {
      await deleteAllStores(t, admin);
    }
    await t?.close();
    await db?.end();
    await own?.drop();
    await store.stop();
    await smtp.stop();
  });

  const file = (body: object) =>
    request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send(body);

  async function settle(id: string): Promise<{ status: string; dueAt: string }> {
    for (let i = 0; i < 200; i++) {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${reader}`)
        .expect(200);
      if (TERMINAL.includes(res.body.status)) {
        return res.body;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`request ${id} did not settle`);
  }

  async function outbox(requestId: string): Promise<Record<string, string>> {
    const { rows } = await db.query<{ kind: string; status: string }>(
      'SELECT kind, status FROM subject_mail_outbox WHERE request_id = $1',
      [requestId],
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r.status]));
  }

  /** Files a public request and verifies it with the mailed code; answers the status token. */
  async function filePublic(
    email: string,
    type: string,
    jurisdiction = 'GDPR',
  ): Promise<{ id: string; statusToken: string }> {
    const filed = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type, email, jurisdiction })
      .expect(202);
    const id = filed.body.id as string;
    const codeMail = await smtp.waitFor(email, 'verification code');
    const code = /code is (\d{6})/.exec(codeMail.text)?.[1];
    expect(code).toBeDefined();
    expect(codeMail.html).toContain(`<strong>${code}</strong>`);
    const verified = await request(t.http)
      .post(`/v1/public/privacy-requests/${id}/verify`)
      .send({ code })
      .expect(200);
    expect(verified.body).toEqual({ id, status: 'queued', statusToken: expect.any(String) });
    return { id, statusToken: verified.body.statusToken as string };
  }

  it('public flow: the code, a receipt with the local due date, and a completion whose link downloads the package', async () => {
    const email = uniqueEmail('subject');
    store.seed(email, 3);
    const { id, statusToken } = await filePublic(email, 'access');

    const receipt = await smtp.waitFor(email, 'received your privacy request');
    const done = await settle(id);
    expect(done.status).toBe('completed');
    const due = dayIn('Europe/Brussels', done.dueAt);
    expect(receipt.from).toBe('privacy@shop.example');
    expect(receipt.text).toContain(`We will answer by ${due} (Europe/Brussels time)`);
    expect(receipt.html).toContain(`<strong>${due} (Europe/Brussels time)</strong>`);
    expect(receipt.text).toContain(`Request reference: ${id}`);
    // Only what the message needs: the address is the envelope's, never in the body.
    expect(receipt.text).not.toContain(email);
    expect(receipt.html).not.toContain(email);

    const completion = await smtp.waitFor(email, 'complete');
    const url = /https:\/\/privacy\.shop\.example(\/v1\/public\/exports\/\S+)/.exec(
      completion.text,
    );
    expect(url).not.toBeNull();
    expect(completion.html).toContain(`href="https://privacy.shop.example${url?.[1]}"`);
    const zip = await request(t.http)
      .get(url?.[1] ?? '')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', 'application/zip');
    const events = JSON.parse(
      new AdmZip(zip.body as Buffer).readAsText('crm/events.json'),
    ) as Array<{
      email: string;
    }>;
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.email === email)).toBe(true);

    // The status token opens the request: status, local due date and a fresh link.
    const look = await request(t.http)
      .get(`/v1/public/privacy-requests/${id}`)
      .set('Authorization', `Bearer ${statusToken}`)
      .expect(200);
    expect(look.body).toMatchObject({
      id,
      type: 'access',
      status: 'completed',
      jurisdiction: 'GDPR',
      timeZone: 'Europe/Brussels',
      extended: false,
    });
    expect(dayIn('UTC', `${look.body.localDueDate}T12:00:00Z`)).toBe(due);
    const again = await request(t.http)
      .get(new URL(look.body.download.url as string).pathname)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(
      createHash('sha256')
        .update(again.body as Buffer)
        .digest('hex'),
    ).toBe(
      createHash('sha256')
        .update(zip.body as Buffer)
        .digest('hex'),
    );
    expect(smtp.to(email).map((m) => m.subject)).toEqual([
      'Your privacy request verification code',
      'We have received your privacy request',
      'Your privacy request is complete',
    ]);
    const recorded = await until(async () => {
      const statuses = await outbox(id);
      return Object.values(statuses).includes('sending') ? undefined : statuses;
    }, 10_000);
    expect(recorded).toEqual({ receipt: 'sent', completion: 'sent' });
  });

  it('a backend request with notify gets a receipt and a completion telling what was done; one without notify gets no mail', async () => {
    const told = uniqueEmail('told');
    const silent = uniqueEmail('silent');
    store.seed(told, 2);
    store.seed(silent, 2);
    const a = await file({
      type: 'erasure',
      subject: { email: told },
      notify: true,
      jurisdiction: 'CCPA',
    }).expect(201);
    const b = await file({ type: 'erasure', subject: { email: silent } }).expect(201);
    expect((await settle(a.body.id)).status).toBe('completed');
    expect((await settle(b.body.id)).status).toBe('completed');

    const receipt = await smtp.waitFor(told, 'received');
    expect(receipt.text).toContain(
      `We will answer by ${dayIn('America/Los_Angeles', a.body.dueAt)} (America/Los_Angeles time)`,
    );
    const completion = await smtp.waitFor(told, 'complete');
    // One profile and two events, all in the one store: counts only.
    expect(completion.text).toContain('We have erased your personal data: 3 records in 1 system.');
    expect(completion.text).not.toContain('http');

    await new Promise((r) => setTimeout(r, 2500)); // past a sweep of the outbox
    expect(smtp.to(silent)).toEqual([]);
    expect(await outbox(b.body.id)).toEqual({});
  });

  it('notify needs an e-mail address to write to', async () => {
    const res = await file({
      type: 'access',
      subject: { subjectId: 'cust-1' },
      notify: true,
    }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'notify', message: 'notify needs subject.email' }]);
  });

  it('an extension and a rejection are mailed with their reasons, escaped in HTML', async () => {
    const slow = uniqueEmail('slow');
    const refused = uniqueEmail('refused');
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    store.onCall = async (call) => {
      if (call.subject.email === slow || call.subject.email === refused) {
        await held;
      }
    };
    const ext = await file({ type: 'access', subject: { email: slow }, notify: true }).expect(201);
    const rej = await file({ type: 'erasure', subject: { email: refused }, notify: true }).expect(
      201,
    );
    try {
      await smtp.waitFor(slow, 'received');
      await smtp.waitFor(refused, 'received');

      const extendReason = 'Several systems hold your data; we need to check them all – merci';
      const extended = await request(t.http)
        .post(`/v1/admin/privacy-requests/${ext.body.id}/extend`)
        .set(dpo)
        .send({ reason: extendReason })
        .expect(200);
      const mail = await smtp.waitFor(slow, 'more time');
      expect(mail.text).toContain(`Reason: ${extendReason}`);
      expect(mail.text).toContain(
        `We will now answer by ${dayIn('Europe/Brussels', extended.body.dueAt)} (Europe/Brussels time)`,
      );

      const rejectReason = 'Identity not confirmed <b>"Zoë" & co</b>';
      await request(t.http)
        .post(`/v1/admin/privacy-requests/${rej.body.id}/reject`)
        .set(dpo)
        .send({ reason: rejectReason })
        .expect(200);
      const rejection = await smtp.waitFor(refused, 'cannot carry out');
      expect(rejection.text).toContain(`Reason: ${rejectReason}`);
      expect(rejection.html).toContain(
        'Reason: Identity not confirmed &lt;b&gt;&quot;Zoë&quot; &amp; co&lt;/b&gt;',
      );
      expect(rejection.html).not.toContain('<b>');
      // The outbox never holds the reason in the clear.
      const { rows } = await db.query<{ reason_ciphertext: string; details: object }>(
        `SELECT reason_ciphertext, details FROM subject_mail_outbox WHERE request_id = $1`,
        [rej.body.id],
      );
      expect(JSON.stringify(rows)).not.toContain('Identity');
    } finally {
      release();
      store.onCall = () => Promise.resolve();
    }
    await smtp.waitFor(slow, 'complete');
    expect((await settle(rej.body.id)).status).toBe('rejected');
    await new Promise((r) => setTimeout(r, 1500));
    // The rejected erasure is not completed afterwards, nor mailed as such.
    expect(smtp.to(refused).map((m) => m.subject)).toEqual([
      'We have received your privacy request',
      'We cannot carry out your privacy request',
    ]);
  });

  it('a mail the server refuses for now is sent again with backoff, and delivered once', async () => {
    const busy = uniqueEmail('busy');
    smtp.refuse.set(busy, 1);
    const before = smtp.refused;
    const r = await file({ type: 'opt_out_sale', subject: { email: busy }, notify: true }).expect(
      201,
    );
    await smtp.waitFor(busy, 'received');
    expect(smtp.refused).toBe(before + 1);
    await smtp.waitFor(busy, 'complete');
    expect(smtp.to(busy).map((m) => m.subject)).toEqual([
      'We have received your privacy request',
      'Your privacy request is complete',
    ]);
    // The server has the mail before the sender records it as sent.
    const rows = await until(async () => {
      const outbox = await db.query<{ kind: string; attempts: number; status: string }>(
        'SELECT kind, attempts, status FROM subject_mail_outbox WHERE request_id = $1 ORDER BY kind',
        [r.body.id],
      );
      return outbox.rows.some((row) => row.status === 'sending') ? undefined : outbox.rows;
    }, 10_000);
    expect(rows).toEqual([
      { kind: 'completion', attempts: 1, status: 'sent' },
      { kind: 'receipt', attempts: 2, status: 'sent' },
    ]);
  });

  it('each kind is sent once: the drain job run twice, a restarted worker, a send cut short', async () => {
    const once = uniqueEmail('once');
    store.seed(once, 1);
    const r = await file({ type: 'erasure', subject: { email: once }, notify: true }).expect(201);
    await settle(r.body.id);
    await smtp.waitFor(once, 'complete');
    const { rows } = await db.query<{ id: string; kind: string }>(
      'SELECT id, kind FROM subject_mail_outbox WHERE request_id = $1',
      [r.body.id],
    );
    expect(rows).toHaveLength(2);

    // The drain job again, under other job ids, for every row already sent.
    const queue = t.app.get<Queue>(getQueueToken(SUBJECT_MAIL_QUEUE));
    const jobs = await Promise.all(
      rows.map((row) =>
        queue.add('send-subject-mail', { outboxId: row.id }, { jobId: `again-${row.id}` }),
      ),
    );
    for (const job of jobs) {
      for (let i = 0; i < 100 && !(await job.isCompleted()); i++) {
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(await job.isCompleted()).toBe(true);
    }

    // A receipt row whose send was cut short (the worker died after claiming it), and a fresh
    // pending one whose job was lost: the restarted worker fails the first, sends the second.
    const cut = uniqueEmail('cut');
    const lost = uniqueEmail('lost');
    const c = await file({ type: 'opt_out_sharing', subject: { email: cut } }).expect(201);
    const l = await file({ type: 'opt_out_sharing', subject: { email: lost } }).expect(201);
    await settle(c.body.id);
    await settle(l.body.id);
    await db.query(`UPDATE privacy_requests SET notify = true WHERE id = ANY($1)`, [
      [c.body.id, l.body.id],
    ]);
    await db.query(
      `INSERT INTO subject_mail_outbox (id, request_id, kind, status, attempts, claimed_at, created_at)
       VALUES (gen_random_uuid(), $1, 'receipt', 'sending', 1, now() - interval '1 hour', now() - interval '1 hour'),
              (gen_random_uuid(), $2, 'receipt', 'pending', 0, NULL, now() - interval '1 hour')`,
      [c.body.id, l.body.id],
    );

    await t.close();
    t = await createTestApp(env);
    await smtp.waitFor(lost, 'received');
    await t.app.get(SubjectMailSweeper).tick(60_000);
    await new Promise((res) => setTimeout(res, 2500));
    expect(smtp.to(once).map((m) => m.subject)).toEqual([
      'We have received your privacy request',
      'Your privacy request is complete',
    ]);
    expect(smtp.to(lost)).toHaveLength(1);
    expect(smtp.to(cut)).toEqual([]);
    expect(await outbox(c.body.id)).toEqual({ receipt: 'failed' });
    const trail = await request(t.http)
      .get(`/v1/privacy-requests/${c.body.id}`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(200);
    expect(trail.body.events).toContainEqual(
      expect.objectContaining({
        action: 'privacy_request.subject_mail_failed',
        actorType: 'system',
        details: { kind: 'receipt', reason: 'interrupted while sending; delivery unknown' },
      }),
    );
  });

  it('the status look-up needs the token: 401 without, the same 404 for a wrong one and an unknown id', async () => {
    const email = uniqueEmail('lookup');
    const { id, statusToken } = await filePublic(email, 'erasure', 'CCPA');
    const path = `/v1/public/privacy-requests/${id}`;
    const missing = await request(t.http).get(path).expect(401);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    await request(t.http).get(path).set('Authorization', statusToken).expect(401);
    const wrong = await request(t.http)
      .get(path)
      .set('Authorization', `Bearer ${statusToken.slice(0, -2)}AA`)
      .expect(404);
    const unknown = await request(t.http)
      .get('/v1/public/privacy-requests/7c1e0a52-3f7d-4d1b-9e55-0b6f2f0f1c11')
      .set('Authorization', `Bearer ${statusToken}`)
      .expect(404);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.type).toBe(unknown.body.type);
    // An e-mail address opens nothing.
    await request(t.http).get(path).set('Authorization', `Bearer ${email}`).expect(401);
    // A token opens only its own request.
    const other = await filePublic(uniqueEmail('other'), 'access');
    await request(t.http)
      .get(`/v1/public/privacy-requests/${other.id}`)
      .set('Authorization', `Bearer ${statusToken}`)
      .expect(404);

    const ok = await request(t.http)
      .get(path)
      .set('Authorization', `Bearer ${statusToken}`)
      .expect(200);
    expect(ok.body).toMatchObject({
      id,
      type: 'erasure',
      jurisdiction: 'CCPA',
      timeZone: 'America/Los_Angeles',
    });
    expect(ok.body.localDueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ok.body.download).toBeUndefined();
    const { rows } = await db.query<{ status_token_hash: string }>(
      'SELECT status_token_hash FROM privacy_requests WHERE id = $1',
      [id],
    );
    expect(rows[0].status_token_hash).not.toContain(statusToken);
    expect(rows[0].status_token_hash).toHaveLength(43);
  });

  it('a public opt-out needs no code: its status token comes with the intake, and nothing is mailed to the unverified address', async () => {
    const email = uniqueEmail('opt-out');
    const filed = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type: 'opt_out_sharing', email })
      .expect(202);
    expect(filed.body).toEqual({
      id: expect.any(String),
      status: 'queued',
      statusToken: expect.any(String),
    });
    expect((await settle(filed.body.id)).status).toBe('completed');
    const look = await request(t.http)
      .get(`/v1/public/privacy-requests/${filed.body.id}`)
      .set('Authorization', `Bearer ${filed.body.statusToken}`)
      .expect(200);
    expect(look.body).toMatchObject({
      status: 'completed',
      jurisdiction: 'CCPA',
      timeZone: 'America/Los_Angeles',
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.to(email)).toEqual([]);
  });

  it('the look-up is in the OpenAPI document as public with a bearer token, with examples', async () => {
    const doc = await request(t.http).get('/docs-json').expect(200);
    const op = doc.body.paths['/v1/public/privacy-requests/{id}'].get;
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op.description).toContain('Authorization: Bearer <statusToken>');
    expect(Object.keys(op.responses).sort()).toEqual(['200', '401', '404', '429']);
    const schema = doc.body.components.schemas.SubjectStatusDto;
    expect(schema.properties.localDueDate.example).toBe('2027-01-04');
    expect(schema.properties.timeZone.example).toBe('Europe/Brussels');
    const verified = doc.body.components.schemas.VerifiedPrivacyRequestDto;
    expect(verified.required).toContain('statusToken');
    expect(doc.body.components.schemas.CreatePrivacyRequestDto.properties.notify.example).toBe(
      true,
    );
  });

  it('the look-up counts against the public per-IP limit', async () => {
    const own2 = await ownDatabase('subject_mail_limits');
    const strict = await createTestApp({ ...env, ...own2.env, RATE_LIMIT_PUBLIC_PER_IP: '3' });
    try {
      const path = '/v1/public/privacy-requests/7c1e0a52-3f7d-4d1b-9e55-0b6f2f0f1c11';
      for (let i = 0; i < 3; i++) {
        await request(strict.http).get(path).set('Authorization', 'Bearer abc').expect(404);
      }
      const limited = await request(strict.http)
        .get(path)
        .set('Authorization', 'Bearer abc')
        .expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await strict.close();
      await own2.drop();
    }
  });

  it('a code that cannot be mailed is a 503 problem naming no address', async () => {
    const own2 = await ownDatabase('subject_mail_down');
    const down = await createTestApp({
      ...env,
      ...own2.env,
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
    });
    try {
      const email = uniqueEmail('unreachable');
      const res = await request(down.http)
        .post('/v1/public/privacy-requests')
        .send({ type: 'access', email })
        .expect(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).toBe('The verification code could not be mailed; try again later');
      expect(JSON.stringify(res.body)).not.toContain(email);
    } finally {
      await down.close();
      await own2.drop();
    }
  });
});
