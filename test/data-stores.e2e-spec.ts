import request from 'supertest';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';
import { createShop, SHOP_COLLECTIONS, ShopFixture } from './support/shop-fixture';
import { TestHttpStore } from './support/http-store';

jest.setTimeout(120000);

describe('data stores', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let token: string;
  let shop: ShopFixture;
  const store = new TestHttpStore('http-store-signing-secret-0123');
  let storeUrl: string;

  beforeAll(async () => {
    shop = await createShop({ customers: 30, orders: 2, items: 2 }, 'ds');
    storeUrl = await store.start();
    own = await ownDatabase('data_stores');
    t = await createTestApp(own.env);
    token = await adminToken(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await store.stop();
    await shop?.drop();
  });

  const post = (body: object) =>
    request(t.http).post('/v1/data-stores').set('Authorization', `Bearer ${token}`).send(body);

  it.each([
    ['postgres', () => shop.postgresUrl],
    ['mysql', () => shop.mysqlUrl],
  ])('registers a %s store and never returns its secret', async (type, url) => {
    const withPassword = url().replace('://', '://shop:hunter2-password@');
    const bad = await post({
      name: `x-${type}`,
      type,
      connection: { url: withPassword },
      collections: SHOP_COLLECTIONS,
    });
    // Wrong credentials: the catalogue cannot be read.
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).not.toContain('hunter2');

    const res = await post({
      name: `ds-shop-${type}`,
      type,
      connection: { url: url() },
      collections: SHOP_COLLECTIONS,
    });
    expect(res.status).toBe(201);
    expect(res.body.connection).toEqual({ url: expect.any(String) });
    const id = res.body.id as string;
    const tested = await request(t.http)
      .post(`/v1/data-stores/${id}/test`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(tested.body.ok).toBe(true);
  });

  it('answers 422 with every problem of a description that does not fit the store', async () => {
    const res = await post({
      name: 'broken',
      type: 'postgres',
      connection: { url: shop.postgresUrl },
      collections: [
        {
          name: 'customers',
          identity: { field: 'mail', type: 'email' },
          fields: [{ name: 'nope' }],
        },
        { name: 'ghosts', identity: { field: 'email', type: 'email' }, fields: [] },
        { name: 'orders', fields: [], references: [{ field: 'customer_id', to: 'customers.uid' }] },
        { name: 'addresses', fields: [] },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const messages = (res.body.errors as Array<{ message: string }>).map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'column customers.mail does not exist',
        'column customers.nope does not exist',
        'table ghosts does not exist',
        'column customers.uid does not exist',
        'collection addresses has neither an identity nor a reference',
      ]),
    );
  });

  it('rejects unknown fields and bad strategies with 400', async () => {
    await post({
      name: 'y',
      type: 'postgres',
      connection: { url: shop.postgresUrl },
      collections: [],
      extra: 1,
    }).expect(400);
    await post({
      name: 'y',
      type: 'postgres',
      connection: { url: shop.postgresUrl },
      collections: [{ name: 'customers', fields: [{ name: 'email', erasure: 'burn' }] }],
    }).expect(400);
    await post({ name: 'y', type: 'http', connection: { url: storeUrl }, collections: [] }).expect(
      422,
    );
  });

  it('keeps an http store secret out of every answer and lets dpo read but not write', async () => {
    const res = await post({
      name: 'ds-crm',
      type: 'http',
      connection: { url: storeUrl, secret: store.secret },
      collections: [],
    }).expect(201);
    const list = await request(t.http)
      .get('/v1/data-stores')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(JSON.stringify(list.body)).not.toContain(store.secret);
    const { createUser } = await import('./support/factories');
    const dpo = await createUser(t.http, token, ['dpo']);
    await request(t.http)
      .get(`/v1/data-stores/${res.body.id}`)
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(200);
    await request(t.http)
      .delete(`/v1/data-stores/${res.body.id}`)
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(403);
    await request(t.http)
      .delete(`/v1/data-stores/${res.body.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(204);
    await request(t.http)
      .get(`/v1/data-stores/${res.body.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(404);
  });

  it.each(['postgres', 'mysql'])(
    'discovery on the %s shop classifies email, phone and card columns',
    async (type) => {
      const list = await request(t.http)
        .get('/v1/data-stores')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      const id = (list.body.items as Array<{ id: string; name: string }>).find(
        (s) => s.name === `ds-shop-${type}`,
      )?.id;
      expect(id).toBeDefined();
      const started = await request(t.http)
        .post(`/v1/data-stores/${id}/scans`)
        .set('Authorization', `Bearer ${token}`)
        .expect(202);
      let scan: {
        status: string;
        columns: Array<{
          collection: string;
          field: string;
          entities: Array<{ entity: string; matchRatio: number }>;
          suggestedCategory: string | null;
        }>;
      } = { status: 'queued', columns: [] };
      for (let i = 0; i < 100 && !['completed', 'failed'].includes(scan.status); i++) {
        await new Promise((r) => setTimeout(r, 200));
        scan = (
          await request(t.http)
            .get(`/v1/data-stores/${id}/scans/${started.body.scanId}`)
            .set('Authorization', `Bearer ${token}`)
            .expect(200)
        ).body;
      }
      expect(scan.status).toBe('completed');
      const top = (table: string, field: string) =>
        scan.columns.find((c) => c.collection === table && c.field === field)?.entities[0];
      expect(top('customers', 'email')).toEqual({ entity: 'EMAIL_ADDRESS', matchRatio: 1 });
      expect(top('support_tickets', 'email')?.entity).toBe('EMAIL_ADDRESS');
      expect(top('customers', 'phone')?.entity).toBe('PHONE_NUMBER');
      expect(top('customers', 'phone')?.matchRatio).toBeGreaterThan(0.9);
      expect(top('customers', 'card_number')).toEqual({ entity: 'CREDIT_CARD', matchRatio: 1 });
      expect(top('order_items', 'sku')).toBeUndefined();
      // Results hold ratios only: no sampled value anywhere in the answer.
      expect(JSON.stringify(scan)).not.toContain('@shop-example.com');
      expect(JSON.stringify(scan)).not.toContain('7946');
    },
  );
});
