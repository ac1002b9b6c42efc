import AdmZip from 'adm-zip';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { SMTPServer } from 'smtp-server';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApiKey, createUser } from './support/factories';
import { TestHttpStore } from './support/http-store';
import { createShop, registerShopStores, shopCustomer, ShopFixture } from './support/shop-fixture';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

jest.setTimeout(180000);

const TAG = 'dsr';
const TERMINAL = ['completed', 'failed', 'rejected'];
/** 1-5 for the single-subject cases, the rest for concurrent erasures. */
const CUSTOMERS = 12;
const ITEMS_OF_CUSTOMER =
  'SELECT 1 FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = ?';

describe('privacy requests', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let token: string;
  let writer: string;
  let reader: string;
  let shop: ShopFixture;
  const store = new TestHttpStore('http-store-signing-secret-0456');
  const mails: string[] = [];
  let smtp: SMTPServer;

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
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    shop = await createShop({ customers: CUSTOMERS, orders: 3, items: 2 }, TAG);
    const storeUrl = await store.start();
    for (let i = 1; i <= CUSTOMERS; i++) {
      store.seed(shopCustomer(i, TAG).email);
    }
    own = await ownDatabase('privacy_requests');
    t = await createTestApp({
      ...own.env,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'dsr-exports-')),
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      LOG_LEVEL: process.env.DSR_TEST_LOG ?? 'silent',
    });
    token = await adminToken(t.http);
    writer = (
      await createApiKey(t.http, token, [
        'requests:write',
        'requests:read',
        'consent:write',
        'consent:read',
      ])
    ).key;
    // An API key reads only the requests it filed.
    reader = writer;
    await registerShopStores(t, token, shop, { url: storeUrl, secret: store.secret });
  });

  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await store.stop();
    await shop?.drop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  const file = (type: string, subject: object, jurisdiction?: string) =>
    request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type, subject, jurisdiction });

  async function settle(id: string): Promise<{
    status: string;
    tasks: Array<{ dataStore: string; status: string; attempts: number; detail?: string }>;
    events: Array<{ action: string }>;
  }> {
    let last: unknown;
    for (let i = 0; i < 150; i++) {
      // An admin sees every request, the public's too.
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      last = res.body;
      if (TERMINAL.includes(res.body.status)) {
        return res.body;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `request did not settle: ${JSON.stringify(last)} ${JSON.stringify(store.calls)}`,
    );
  }

  it('access returns exactly the subject rows of every store, with a manifest of checksums', async () => {
    const k = shopCustomer(2, TAG);
    const created = await file('access', { email: k.email.toUpperCase() }).expect(201);
    expect(created.body.status).toBe('queued');
    const done = await settle(created.body.id);
    expect(done.status).toBe('completed');
    expect(done.tasks.map((x) => x.status)).toEqual(['completed', 'completed', 'completed']);

    const withoutRead = (await createApiKey(t.http, token, ['requests:write'])).key;
    await request(t.http)
      .get(`/v1/privacy-requests/${created.body.id}/export`)
      .set('Authorization', `Bearer ${withoutRead}`)
      .expect(403);
    const link = await request(t.http)
      .get(`/v1/privacy-requests/${created.body.id}/export`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(200);
    const path = new URL(link.body.url as string).pathname;
    const zipRes = await request(t.http)
      .get(path)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const body = zipRes.body as Buffer;
    expect(createHash('sha256').update(body).digest('hex')).toBe(link.body.checksum);
    const zip = new AdmZip(body);
    const manifest = JSON.parse(zip.readAsText('manifest.json')) as {
      files: Record<string, string>;
      stores: Array<{ name: string; collections: Array<{ name: string; records: number }> }>;
    };
    for (const [name, sha] of Object.entries(manifest.files)) {
      expect(
        createHash('sha256')
          .update(zip.getEntry(name)?.getData() ?? Buffer.alloc(0))
          .digest('hex'),
      ).toBe(sha);
    }
    for (const engine of ['shop-postgres', 'shop-mysql']) {
      const counts = Object.fromEntries(
        (manifest.stores.find((s) => s.name === engine)?.collections ?? []).map((c) => [
          c.name,
          c.records,
        ]),
      );
      expect(counts).toEqual({
        customers: 1,
        orders: 3,
        order_items: 6,
        addresses: 2,
        support_tickets: 2,
      });
      const customers = JSON.parse(zip.readAsText(`${engine}/customers.json`)) as Array<{
        email: string;
        id: number;
      }>;
      expect(customers.map((c) => c.email)).toEqual([k.email]);
      const items = JSON.parse(zip.readAsText(`${engine}/order_items.json`)) as Array<{
        order_id: number;
      }>;
      expect(new Set(items.map((i) => Number(i.order_id)))).toEqual(new Set([1004, 1005, 1006]));
      expect(zip.readAsText(`${engine}/order_items.csv`).trim().split('\r\n')).toHaveLength(7);
    }
    const crm = JSON.parse(zip.readAsText('crm/events.json')) as Array<{ email: string }>;
    expect(crm.every((e) => e.email === k.email)).toBe(true);
    expect(store.calls.some((c) => c.type === 'access' && c.requestId === created.body.id)).toBe(
      true,
    );
    await request(t.http)
      .get(`${path.slice(0, -4)}AAAA`)
      .expect(404);
  });

  it('erasure leaves none of the subject rows readable, others untouched, and is idempotent', async () => {
    const k = shopCustomer(3, TAG);
    const other = shopCustomer(4, TAG);
    await request(t.http)
      .post('/v1/purposes')
      .set('Authorization', `Bearer ${token}`)
      .send({ key: 'newsletter', name: 'Newsletter', description: 'Mail', legalBasis: 'consent' })
      .expect(201);
    await request(t.http)
      .post('/v1/consents')
      .set('Authorization', `Bearer ${writer}`)
      .send({ subjectId: k.email, purpose: 'newsletter', granted: true })
      .expect(201);
    const first = await file('erasure', { email: k.email }).expect(201);
    const erased = await settle(first.body.id);
    expect(erased.status).toBe('completed');
    expect(erased.tasks.map((x) => [x.status, x.attempts])).toEqual([
      ['completed', 1],
      ['completed', 1],
      ['completed', 1],
    ]);
    // Three tasks start at once; the request moves to in_progress once, and is audited once.
    expect(erased.events.map((e) => e.action)).toEqual([
      'privacy_request.queued',
      'privacy_request.in_progress',
      'privacy_request.completed',
    ]);
    const pg = new Client({ connectionString: shop.postgresUrl });
    await pg.connect();
    const my = await createConnection({ uri: shop.mysqlUrl });
    const snapshot = async () => ({
      pg: (await pg.query('SELECT * FROM customers WHERE id = $1', [k.id])).rows,
      my: (await my.query('SELECT * FROM customers WHERE id = ?', [k.id]))[0],
    });
    for (const q of [
      (sql: string, p: unknown[]) =>
        pg
          .query(sql.replace('lower(?)', 'lower($1::text)').replace('?', '$1'), p)
          .then((r) => r.rows.length),
      async (sql: string, p: unknown[]) => ((await my.query(sql, p))[0] as unknown[]).length,
    ]) {
      expect(await q('SELECT 1 FROM customers WHERE lower(email) = lower(?)', [k.email])).toBe(0);
      expect(await q('SELECT 1 FROM support_tickets WHERE email = ?', [k.email])).toBe(0);
      expect(await q('SELECT 1 FROM orders WHERE customer_id = ?', [k.id])).toBe(0);
      expect(await q('SELECT 1 FROM addresses WHERE customer_id = ?', [k.id])).toBe(0);
      expect(await q('SELECT 1 FROM customers WHERE email = ?', [other.email])).toBe(1);
      expect(await q('SELECT 1 FROM orders WHERE customer_id = ?', [other.id])).toBe(3);
      expect(await q(ITEMS_OF_CUSTOMER, [other.id])).toBe(6);
      expect(await q('SELECT 1 FROM addresses WHERE customer_id = ?', [other.id])).toBe(2);
      expect(await q('SELECT 1 FROM support_tickets WHERE email = ?', [other.email])).toBe(2);
      // Every item of an erased order went with it: only the other subjects' items are left.
      expect(await q('SELECT 1 FROM order_items WHERE order_id > ?', [0])).toBe(
        (CUSTOMERS - 1) * 6,
      );
    }
    const after = await snapshot();
    for (const row of [after.pg[0], (after.my as Array<Record<string, unknown>>)[0]]) {
      expect(row).toMatchObject({ name: null, card_number: null, phone: '********' });
      expect(String(row.email)).toMatch(/^h:[0-9a-f]{32}$/);
    }
    expect(store.records.has(k.email)).toBe(false);
    expect(store.records.has(other.email)).toBe(true);
    const consents = await request(t.http)
      .get(`/v1/subjects/${encodeURIComponent(k.email)}/consents`)
      .set('Authorization', `Bearer ${writer}`)
      .expect(200);
    expect((consents.body.items as Array<{ granted: boolean }>).every((c) => !c.granted)).toBe(
      true,
    );

    const second = await file('erasure', { email: k.email }).expect(201);
    const again = await settle(second.body.id);
    expect(again.status).toBe('completed');
    expect(again.tasks.find((x) => x.dataStore === 'shop-postgres')?.detail).toBe('erased 0 rows');
    expect(await snapshot()).toEqual(after);
    await pg.end();
    await my.end();
  });

  it('concurrent erasures of different subjects all complete at the first attempt', async () => {
    const subjects = Array.from({ length: CUSTOMERS - 5 }, (_, i) => shopCustomer(i + 6, TAG));
    const filed = await Promise.all(
      subjects.map((k) => file('erasure', { email: k.email }).expect(201)),
    );
    const settled = await Promise.all(filed.map((f) => settle(f.body.id as string)));
    for (const done of settled) {
      expect(done.status).toBe('completed');
      expect(done.tasks.map((x) => [x.status, x.attempts])).toEqual([
        ['completed', 1],
        ['completed', 1],
        ['completed', 1],
      ]);
    }
    const pg = new Client({ connectionString: shop.postgresUrl });
    await pg.connect();
    const my = await createConnection({ uri: shop.mysqlUrl });
    const other = shopCustomer(4, TAG);
    for (const q of [
      (sql: string, p: unknown[]) => pg.query(sql.replace('?', '$1'), p).then((r) => r.rows.length),
      async (sql: string, p: unknown[]) => ((await my.query(sql, p))[0] as unknown[]).length,
    ]) {
      for (const k of subjects) {
        expect(await q('SELECT 1 FROM orders WHERE customer_id = ?', [k.id])).toBe(0);
        expect(await q('SELECT 1 FROM support_tickets WHERE email = ?', [k.email])).toBe(0);
        expect(await q('SELECT 1 FROM customers WHERE id = ? AND name IS NULL', [k.id])).toBe(1);
      }
      expect(await q(ITEMS_OF_CUSTOMER, [other.id])).toBe(6);
      expect(await q('SELECT 1 FROM customers WHERE email = ?', [other.email])).toBe(1);
    }
    await pg.end();
    await my.end();
    // These subjects never consented: nothing was withdrawn, and their keys are shredded all the same.
    const crypto = (await createApiKey(t.http, token, ['crypto:encrypt'])).key;
    for (const [subjectId, status] of [
      [subjects[0].email, 410],
      [other.email, 200],
    ] as const) {
      await request(t.http)
        .post('/v1/crypto/encrypt')
        .set('Authorization', `Bearer ${crypto}`)
        .send({ subjectId, fields: { name: 'again' } })
        .expect(status);
    }
  });

  it('opt-out reaches the http store and flips consent for that category only', async () => {
    const k = shopCustomer(5, TAG);
    await request(t.http)
      .post('/v1/purposes')
      .set('Authorization', `Bearer ${token}`)
      .send({
        key: 'ads-sale',
        name: 'Sale of data',
        description: 'Sell',
        legalBasis: 'consent',
        optOutCategory: 'sale',
      })
      .expect(201);
    await request(t.http)
      .post('/v1/consents')
      .set('Authorization', `Bearer ${writer}`)
      .send({ subjectId: k.email, purpose: 'ads-sale', granted: true })
      .expect(201);
    const created = await file('opt_out_sale', { email: k.email }, 'CCPA').expect(201);
    const done = await settle(created.body.id);
    expect(done.status).toBe('completed');
    expect(done.tasks).toHaveLength(1);
    expect(store.optedOut.get(k.email)?.has('opt_out_sale')).toBe(true);
    const check = await request(t.http)
      .get('/v1/consents/check')
      .query({ subjectId: k.email, purpose: 'ads-sale' })
      .set('Authorization', `Bearer ${writer}`)
      .expect(200);
    expect(check.body.allowed).toBe(false);
  });

  it('completion webhook: the request URL is told the id, type and status, nothing personal', async () => {
    const received: { body: string; type?: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          type: req.headers['content-type'],
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const { port } = receiver.address() as AddressInfo;
      const email = shopCustomer(4, TAG).email;
      const created = await request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${writer}`)
        .send({
          type: 'opt_out_sharing',
          subject: { email },
          jurisdiction: 'CCPA',
          webhookUrl: `http://127.0.0.1:${port}/hooks/privacy`,
        })
        .expect(201);
      expect((await settle(created.body.id)).status).toBe('completed');
      for (let i = 0; i < 50 && received.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(received).toHaveLength(1);
      expect(received[0].type).toBe('application/json');
      expect(JSON.parse(received[0].body)).toEqual({
        id: created.body.id,
        type: 'opt_out_sharing',
        status: 'completed',
      });
      expect(received[0].body).not.toContain(email);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('public flow: the mailed code verifies; five wrong codes lock the request', async () => {
    const email = shopCustomer(1, TAG).email;
    const filed = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type: 'access', email })
      .expect(202);
    expect(filed.body.status).toBe('pending_verification');
    const mail = mails.find((m) => m.includes(filed.body.id)) ?? '';
    const code = /code is (\d{6})/.exec(mail)?.[1];
    expect(code).toBeDefined();
    const wrong = code === '000000' ? '111111' : '000000';
    await request(t.http)
      .post(`/v1/public/privacy-requests/${filed.body.id}/verify`)
      .send({ code: wrong })
      .expect(422);
    const ok = await request(t.http)
      .post(`/v1/public/privacy-requests/${filed.body.id}/verify`)
      .send({ code })
      .expect(200);
    expect(ok.body.status).toBe('queued');
    expect((await settle(filed.body.id)).status).toBe('completed');

    const locked = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type: 'erasure', email })
      .expect(202);
    const lockedCode = /code is (\d{6})/.exec(
      mails.find((m) => m.includes(locked.body.id)) ?? '',
    )?.[1];
    const bad = lockedCode === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await request(t.http)
        .post(`/v1/public/privacy-requests/${locked.body.id}/verify`)
        .send({ code: bad })
        .expect(422);
    }
    await request(t.http)
      .post(`/v1/public/privacy-requests/${locked.body.id}/verify`)
      .send({ code: lockedCode })
      .expect(429);
  });

  it('DPO retry: a request failed by one store runs that store again and completes', async () => {
    const dpo = await createUser(t.http, token, ['dpo']);
    const auth = { Authorization: `Bearer ${dpo.token}` };
    const k = shopCustomer(2, TAG);
    let failing = true;
    store.onCall = async (call) => {
      if (failing && call.type === 'access' && call.subject.email === k.email) {
        throw new Error('store down');
      }
    };
    try {
      const created = await file('access', { email: k.email }).expect(201);
      const id = created.body.id as string;
      const failed = await settle(id);
      expect(failed.status).toBe('failed');
      expect(failed.tasks.find((x) => x.dataStore === 'crm')?.status).toBe('failed');
      const sqlAttempts = failed.tasks.filter((x) => x.dataStore !== 'crm').map((x) => x.attempts);
      failing = false;
      await request(t.http).post(`/v1/admin/privacy-requests/${id}/retry`).set(auth).expect(200);
      const done = await settle(id);
      expect(done.status).toBe('completed');
      expect(done.tasks.every((x) => x.status === 'completed')).toBe(true);
      // Only the failed task ran again.
      expect(done.tasks.filter((x) => x.dataStore !== 'crm').map((x) => x.attempts)).toEqual(
        sqlAttempts,
      );
      expect(
        done.events.map((e) => e.action).filter((a) => a.startsWith('privacy_request.')),
      ).toEqual([
        'privacy_request.queued',
        'privacy_request.in_progress',
        'privacy_request.failed',
        'privacy_request.queued',
        'privacy_request.in_progress',
        'privacy_request.completed',
      ]);
      await request(t.http).post(`/v1/admin/privacy-requests/${id}/retry`).set(auth).expect(409);
    } finally {
      store.onCall = () => Promise.resolve();
    }
  });

  it('DPO: list soonest due first, SLA, extend once, reject', async () => {
    const dpo = await createUser(t.http, token, ['dpo']);
    const auth = { Authorization: `Bearer ${dpo.token}` };
    const ccpa = await file('access', { subjectId: 'nobody-1' }, 'CCPA').expect(201);
    await file('access', { subjectId: 'nobody-2' }, 'GDPR').expect(201);
    const list = await request(t.http).get('/v1/admin/privacy-requests').set(auth).expect(200);
    const dues = (list.body.items as Array<{ dueAt: string }>).map((i) => i.dueAt);
    expect([...dues].sort()).toEqual(dues);
    const sla = await request(t.http).get('/v1/admin/privacy-requests/sla').set(auth).expect(200);
    expect(sla.body.completedLast30Days).toBeGreaterThanOrEqual(3);
    expect(sla.body.byType.access).toBeGreaterThanOrEqual(2);
    await settle(ccpa.body.id);
    const fresh = await request(t.http)
      .post('/v1/public/privacy-requests')
      .send({ type: 'access', email: 'x@example.com', jurisdiction: 'CCPA' })
      .expect(202);
    const ext = await request(t.http)
      .post(`/v1/admin/privacy-requests/${fresh.body.id}/extend`)
      .set(auth)
      .send({ reason: 'complex request' })
      .expect(200);
    expect(ext.body.dueAt).toBeDefined();
    await request(t.http)
      .post(`/v1/admin/privacy-requests/${fresh.body.id}/extend`)
      .set(auth)
      .send({ reason: 'again' })
      .expect(409);
    await request(t.http)
      .post(`/v1/admin/privacy-requests/${fresh.body.id}/reject`)
      .set(auth)
      .send({ reason: 'not verifiable' })
      .expect(200);
    const view = await request(t.http)
      .get(`/v1/privacy-requests/${fresh.body.id}`)
      .set(auth)
      .expect(200);
    expect(view.body.status).toBe('rejected');
    expect((view.body.events as Array<{ action: string }>).map((e) => e.action)).toEqual([
      'privacy_request.pending_verification',
      'privacy_request.extended',
      'privacy_request.rejected',
    ]);
  });
});
