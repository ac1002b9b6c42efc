import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import request from 'supertest';
import { createApiKey, createUser } from './support/factories';
import { createFkShop, FK_COLLECTIONS, fkEmail, FkShop } from './support/fk-shop-fixture';
import { TestHttpStore } from './support/http-store';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';
import { subjectHash } from 'src/privacy-requests/certificates/erasure-certificate';

jest.setTimeout(180000);

const TAG = 'fk';
const TERMINAL = ['completed', 'failed', 'rejected'];
/** Same local part and host, but an a-umlaut: a different address that case folding may equate. */
const LOOK_ALIKE = `FK3.${TAG}@shop-exämple.com`;
const ENGINES = ['postgres', 'mysql'] as const;
type Engine = (typeof ENGINES)[number];

/** Both engines answer a row list through one call; `?` placeholders. */
type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

describe('erasure on foreign keys: plans, proof and certificates', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let token: string;
  let writer: string;
  let reader: string;
  let shop: FkShop;
  const storeIds: Record<Engine, string> = { postgres: '', mysql: '' };
  const db: Partial<Record<Engine, Query>> = {};
  const closers: Array<() => Promise<void>> = [];
  const http = new TestHttpStore('http-store-signing-secret-0789');
  let httpStoreId: string;
  /** The completed erasure of customer 3, for the certificate. */
  let erasedId = '';

  beforeAll(async () => {
    shop = await createFkShop(8, TAG, [LOOK_ALIKE]);
    const httpUrl = await http.start();
    own = await ownDatabase('erasure_plans');
    t = await createTestApp({
      ...own.env,
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
      LOG_LEVEL: 'silent',
    });
    token = await adminToken(t.http);
    writer = (await createApiKey(t.http, token, ['requests:write'])).key;
    reader = token;
    for (const [type, url] of [
      ['postgres', shop.postgresUrl],
      ['mysql', shop.mysqlUrl],
    ] as const) {
      storeIds[type] = (
        await register({
          name: `fk-${type}`,
          type,
          connection: { url },
          collections: FK_COLLECTIONS,
        }).expect(201)
      ).body.id as string;
    }
    httpStoreId = (
      await register({
        name: 'fk-crm',
        type: 'http',
        connection: { url: httpUrl, secret: http.secret },
        collections: [],
      }).expect(201)
    ).body.id as string;
    const pg = new Client({ connectionString: shop.postgresUrl });
    await pg.connect();
    db.postgres = async (sql, params = []) => {
      let i = 0;
      return (
        await pg.query(
          sql.replace(/\?/g, () => `$${++i}`),
          params,
        )
      ).rows;
    };
    const my = await createConnection({ uri: shop.mysqlUrl });
    db.mysql = async (sql, params = []) =>
      (await my.query(sql, params))[0] as Array<Record<string, unknown>>;
    closers.push(
      () => pg.end(),
      () => my.end(),
    );
  });

  afterAll(async () => {
    for (const close of closers) {
      await close().catch(() => undefined);
    }
    await t?.close();
    await own?.drop();
    await http.stop();
    await shop?.drop();
  });

  function register(body: object) {
    return request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .send(body);
  }

  const plan = (id: string, body: object, bearer = token) =>
    request(t.http)
      .post(`/v1/data-stores/${id}/erasure-plan`)
      .set('Authorization', `Bearer ${bearer}`)
      .send(body);

  async function erase(email: string): Promise<{
    id: string;
    status: string;
    tasks: Array<{
      dataStore: string;
      status: string;
      detail?: string;
      result?: {
        collections: Array<{ collection: string; action: string; rows: number }>;
        remaining?: Record<string, number>;
      };
    }>;
  }> {
    const created = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type: 'erasure', subject: { email } })
      .expect(201);
    const id = created.body.id as string;
    for (let i = 0; i < 150; i++) {
      const res = await request(t.http)
        .get(`/v1/privacy-requests/${id}`)
        .set('Authorization', `Bearer ${reader}`)
        .expect(200);
      if (TERMINAL.includes(res.body.status)) {
        return { id, ...res.body };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('erasure did not settle');
  }

  /** Everything that points at or belongs to customer `id`, as the engine holds it now. */
  async function snapshot(engine: Engine, id: number): Promise<unknown> {
    const q = db[engine] as Query;
    return {
      customer: await q('SELECT id, email, name, referred_by FROM customers WHERE id = ?', [id]),
      orders: await q(
        'SELECT id, customer_id, address FROM orders WHERE id IN (?, ?) ORDER BY id',
        [id * 10, id * 10 + 1],
      ),
      wishlists: await q('SELECT id FROM wishlists WHERE customer_id = ? ORDER BY id', [id]),
      reviews: await q('SELECT id, customer_id FROM reviews WHERE id = ?', [id * 10]),
      visits: await q('SELECT id, customer_id FROM visits WHERE id = ?', [id * 10]),
      payments: await q('SELECT id, order_id FROM payments WHERE order_id IN (?, ?) ORDER BY id', [
        id * 10,
        id * 10 + 1,
      ]),
      referred: await q('SELECT id, referred_by FROM customers WHERE id = ?', [id + 1]),
    };
  }

  describe.each(ENGINES)('%s', (engine) => {
    it('refuses at registration and at update a delete that a NOT NULL key would block, naming collection, column and constraint', async () => {
      const url = engine === 'postgres' ? shop.postgresUrl : shop.mysqlUrl;
      const deletingOrders = [
        FK_COLLECTIONS[0],
        { ...FK_COLLECTIONS[1], fields: [{ name: 'total' }] },
      ];
      const res = await register({
        name: `fk-refused-${engine}`,
        type: engine,
        connection: { url },
        collections: deletingOrders,
      });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([
        {
          field: 'collections[1]',
          message: expect.stringContaining(
            'deleting orders rows would be refused by foreign key payments_order_fk: payments.order_id is NOT NULL and payments is not described',
          ),
        },
      ]);
      const updated = await request(t.http)
        .put(`/v1/data-stores/${storeIds[engine]}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ name: `fk-${engine}`, collections: deletingOrders });
      expect(updated.status).toBe(422);
      expect(JSON.stringify(updated.body.errors)).toContain('payments_order_fk');
    });

    it('plans the erasure in order with the rows of each step, changing nothing', async () => {
      const before = await snapshot(engine, 3);
      const planned = await plan(storeIds[engine], { subject: { email: fkEmail(3, TAG) } }).expect(
        200,
      );
      expect(planned.body).toEqual({
        steps: [
          { collection: 'orders', action: 'updated', rows: 2 },
          { collection: 'customers', action: 'unlinked', rows: 1 },
          { collection: 'orders', action: 'unlinked', rows: 2 },
          { collection: 'reviews', action: 'unlinked', rows: 1 },
          { collection: 'visits', action: 'nulled', rows: 1 },
          { collection: 'wishlists', action: 'cascaded', rows: 2 },
          { collection: 'customers', action: 'deleted', rows: 1 },
        ],
      });
      expect(JSON.stringify(planned.body)).not.toContain('shop-example');
      expect(await snapshot(engine, 3)).toEqual(before);
    });
  });

  it('erases through foreign keys on both engines: kept rows anonymised and unlinked, the customer deleted, proof recorded', async () => {
    const bystanders = await Promise.all(
      ENGINES.flatMap((e) => [snapshot(e, 1), snapshot(e, 5), snapshot(e, 900)]),
    );
    const planned: Partial<Record<Engine, unknown>> = {};
    for (const engine of ENGINES) {
      planned[engine] = (
        await plan(storeIds[engine], { subject: { email: fkEmail(3, TAG) } }).expect(200)
      ).body.steps;
    }
    const done = await erase(fkEmail(3, TAG));
    expect(done.status).toBe('completed');
    erasedId = done.id;
    for (const engine of ENGINES) {
      const task = done.tasks.find((x) => x.dataStore === `fk-${engine}`);
      // The dry run said what the erasure then did, step for step.
      expect(task?.result?.collections).toEqual(planned[engine]);
      expect(task?.result).toEqual({
        collections: [
          { collection: 'orders', action: 'updated', rows: 2 },
          { collection: 'customers', action: 'unlinked', rows: 1 },
          { collection: 'orders', action: 'unlinked', rows: 2 },
          { collection: 'reviews', action: 'unlinked', rows: 1 },
          { collection: 'visits', action: 'nulled', rows: 1 },
          { collection: 'wishlists', action: 'cascaded', rows: 2 },
          { collection: 'customers', action: 'deleted', rows: 1 },
        ],
        remaining: { orders: 0, customers: 0, reviews: 0, visits: 0, wishlists: 0 },
      });
      expect(await snapshot(engine, 3)).toEqual({
        customer: [],
        orders: [
          { id: 30, customer_id: null, address: null },
          { id: 31, customer_id: null, address: null },
        ],
        wishlists: [],
        reviews: [{ id: 30, customer_id: null }],
        visits: [{ id: 30, customer_id: null }],
        payments: [
          { id: 30, order_id: 30 },
          { id: 31, order_id: 31 },
        ],
        referred: [{ id: 4, referred_by: null }],
      });
    }
    // Neighbours in the referral chain and the look-alike address are untouched.
    expect(
      await Promise.all(ENGINES.flatMap((e) => [snapshot(e, 1), snapshot(e, 5), snapshot(e, 900)])),
    ).toEqual(bystanders);

    const again = await erase(fkEmail(3, TAG));
    expect(again.status).toBe('completed');
    for (const engine of ENGINES) {
      const task = again.tasks.find((x) => x.dataStore === `fk-${engine}`);
      expect(task?.detail).toBe('erased 0 rows');
      expect(task?.result?.collections.every((c) => c.rows === 0)).toBe(true);
    }
  });

  it('answers the plan endpoint with 400, 404, 422 and 403 where it must', async () => {
    await plan(storeIds.postgres, { subject: {} }).expect(400);
    await plan(storeIds.postgres, {}).expect(400);
    await plan(storeIds.postgres, { subject: { email: 'not-an-email' } }).expect(400);
    await plan(storeIds.postgres, { subject: { email: fkEmail(1, TAG), extra: 1 } }).expect(400);
    await plan('0b7c3a52-4a4e-4b8a-9a57-5a0e2f1d3c11', {
      subject: { email: 'a@b.example' },
    }).expect(404);
    const httpPlan = await plan(httpStoreId, { subject: { email: 'a@b.example' } });
    expect(httpPlan.status).toBe(422);
    expect(httpPlan.headers['content-type']).toContain('application/problem+json');
    const auditor = await createUser(t.http, token, ['auditor']);
    await plan(storeIds.postgres, { subject: { email: 'a@b.example' } }, auditor.token).expect(403);
    const dpo = await createUser(t.http, token, ['dpo']);
    await plan(storeIds.mysql, { subject: { email: fkEmail(1, TAG) } }, dpo.token).expect(200);
  });

  it('audits a plan without the subject', async () => {
    await plan(storeIds.postgres, { subject: { email: fkEmail(6, TAG) } }).expect(200);
    const events = await request(t.http)
      .get('/v1/audit/events')
      .query({ action: 'data_store.erasure_planned' })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const items = events.body.items as Array<{ action: string; target: { id: string } }>;
    expect(items.some((e) => e.target.id === storeIds.postgres)).toBe(true);
    expect(JSON.stringify(events.body)).not.toContain(fkEmail(6, TAG));
  });

  it('fails the erasure when rows still reach the subject afterwards, naming the collection', async () => {
    // A trigger that silently keeps customer 7: the delete reports 0 rows, the proof finds 1.
    const q = db.postgres as Query;
    await q(
      `CREATE FUNCTION keep_row() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'`,
    );
    await q(
      `CREATE TRIGGER keep_customer_7 BEFORE DELETE ON customers FOR EACH ROW WHEN (OLD.id = 7) EXECUTE FUNCTION keep_row()`,
    );
    const done = await erase(fkEmail(7, TAG));
    expect(done.status).toBe('failed');
    const task = done.tasks.find((x) => x.dataStore === 'fk-postgres');
    expect(task?.status).toBe('failed');
    // Nor did the store unlink the customer's visits or cascade to the wishlists.
    expect(task?.detail).toBe(
      'rows still reach the subject after erasure: customers 1, visits 1, wishlists 2',
    );
    expect(task?.detail).not.toContain('shop-example');
    await request(t.http)
      .get(`/v1/privacy-requests/${done.id}/certificate`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(409);
  });

  it('certifies a completed erasure with a JWS that verifies against the JWKS and fails when altered', async () => {
    expect(erasedId).not.toBe('');
    const res = await request(t.http)
      .get(`/v1/privacy-requests/${erasedId}/certificate`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(200);
    const certificate = res.body.certificate as string;
    const jwks = await request(t.http).get('/v1/.well-known/jwks.json').expect(200);
    const keys = createLocalJWKSet(jwks.body as JSONWebKeySet);
    const { payload, protectedHeader } = await jwtVerify(certificate, keys);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'erasure-certificate+jwt' });
    expect(payload.sub).toBe(erasedId);
    const claims = payload as unknown as {
      request: { id: string; type: string; completedAt: string };
      subject: { alg: string; salt: string; hash: string };
      stores: Array<{ name: string; steps: unknown[]; remaining: Record<string, number> | null }>;
    };
    expect(claims.request).toMatchObject({ id: erasedId, type: 'erasure' });
    expect(Number.isNaN(Date.parse(claims.request.completedAt))).toBe(false);
    expect(claims.subject.hash).toBe(subjectHash({ email: fkEmail(3, TAG) }, claims.subject.salt));
    expect(claims.subject.hash).not.toBe(
      subjectHash({ email: fkEmail(4, TAG) }, claims.subject.salt),
    );
    expect(claims.stores.map((s) => s.name)).toEqual(['fk-crm', 'fk-mysql', 'fk-postgres']);
    for (const store of claims.stores.filter((s) => s.name !== 'fk-crm')) {
      expect(store.remaining).toEqual({
        orders: 0,
        customers: 0,
        reviews: 0,
        visits: 0,
        wishlists: 0,
      });
      expect(store.steps).toContainEqual({ collection: 'customers', action: 'deleted', rows: 1 });
    }
    expect(certificate).not.toContain(Buffer.from(fkEmail(3, TAG)).toString('base64url'));
    expect(JSON.stringify(decodeJwt(certificate))).not.toContain('shop-example');

    // A payload that says otherwise, under the same signature, is refused.
    const [header, body, signature] = certificate.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body, 'base64url').toString('utf8')),
        stores: [],
      }),
    ).toString('base64url');
    await expect(jwtVerify(`${header}.${forged}.${signature}`, keys)).rejects.toThrow();
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expect(jwtVerify(`${header}.${body}.${flipped}`, keys)).rejects.toThrow();
  });

  it('answers the certificate with 409 for other requests, 404 for unknown ones, 403 without read access', async () => {
    const access = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type: 'access', subject: { email: fkEmail(1, TAG) } })
      .expect(201);
    const conflict = await request(t.http)
      .get(`/v1/privacy-requests/${access.body.id}/certificate`)
      .set('Authorization', `Bearer ${reader}`)
      .expect(409);
    expect(conflict.headers['content-type']).toContain('application/problem+json');
    await request(t.http)
      .get('/v1/privacy-requests/0b7c3a52-4a4e-4b8a-9a57-5a0e2f1d3c11/certificate')
      .set('Authorization', `Bearer ${reader}`)
      .expect(404);
    await request(t.http)
      .get(`/v1/privacy-requests/${erasedId}/certificate`)
      .set('Authorization', `Bearer ${writer}`)
      .expect(403);
    const auditor = await createUser(t.http, token, ['auditor']);
    await request(t.http)
      .get(`/v1/privacy-requests/${erasedId}/certificate`)
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200);
  });
});
