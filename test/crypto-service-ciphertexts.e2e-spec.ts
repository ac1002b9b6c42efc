import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DropRequestSubjectIndexes1764003600000 } from '../migrations/1764003600000-drop-request-subject-indexes';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { SubjectProtector } from 'src/privacy-requests/subject-protector.service';
import { createApiKey, publicDecrypt, uniqueEmail } from './support/factories';
import { createScratchDatabases, ScratchDatabases } from './support/scratch-databases';
import { createShop, SHOP_COLLECTIONS, ShopFixture } from './support/shop-fixture';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe("the public crypto API and the service's own ciphertexts", () => {
  let own: ScratchDatabases;
  let shop: ShopFixture;
  let t: TestApp;
  let admin: string;
  let db: DataSource;
  let decryptKey: string;

  // Stores registered here must not take part in other files' requests: a database of its own.
  beforeAll(async () => {
    shop = await createShop({ customers: 3, orders: 1, items: 1 }, 'svcctx');
    own = await createScratchDatabases('svc_context');
    t = await createTestApp({
      DATABASE_URL: own.postgresUrl,
      DB_MIGRATE: 'true',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'e2e'}_svc_context_${randomBytes(3).toString('hex')}`,
    });
    admin = await adminToken(t.http);
    db = t.app.get(DataSource);
    decryptKey = (await createApiKey(t.http, admin, ['crypto:decrypt', 'crypto:encrypt'])).key;
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await shop?.drop();
  });

  const decrypt = (ciphertext: string, context: Record<string, string>) =>
    publicDecrypt(t.http, decryptKey, ciphertext, context);

  it("cannot decrypt a stored request subject, even with the subject's context guessed", async () => {
    const writer = (await createApiKey(t.http, admin, ['requests:write'])).key;
    const email = uniqueEmail('zoë');
    const created = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type: 'access', subject: { email }, jurisdiction: 'GDPR' })
      .expect(201);
    const [row]: Array<{ c: string }> = await db.query(
      'SELECT subject_ciphertext AS c FROM privacy_requests WHERE id = $1',
      [created.body.id],
    );
    // The internal keyring it names is refused whatever the context; the service's contexts,
    // former and reserved, are refused before that.
    const guessed = await decrypt(row.c, { table: 'requests', id: created.body.id });
    expect(guessed.status).toBe(403);
    const legacy = await decrypt(row.c, { table: 'privacy_requests', column: 'subject' });
    expect(legacy.status).toBe(400);
    const reserved = await decrypt(row.c, {
      'svc:field': 'privacy_requests.subject',
      'svc:request': created.body.id,
    });
    expect(reserved.status).toBe(400);
    expect(JSON.stringify([guessed.body, legacy.body, reserved.body])).not.toContain(email);
  });

  it("keeps no index of a request's subject that POST /v1/crypto/blind-index reproduces, old rows included", async () => {
    const writer = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
    const email = uniqueEmail('Łukasz');
    const subjectId = `cust-${randomBytes(4).toString('hex')}`;
    const created = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${writer}`)
      .send({ type: 'access', subject: { email, subjectId }, jurisdiction: 'GDPR' })
      .expect(201);
    const id = created.body.id as string;
    const index = async (field: string, value: string): Promise<string> =>
      (
        await request(t.http)
          .post('/v1/crypto/blind-index')
          .set('Authorization', `Bearer ${decryptKey}`)
          .send({ field, value })
          .expect(200)
      ).body.blindIndex as string;
    // The indexes requests were stored with before their fields were reserved.
    const former = [await index('dsr.email', email), await index('dsr.subject_id', subjectId)];
    const stored = async (): Promise<string> => {
      const [row]: Array<{ j: string }> = await db.query(
        'SELECT row_to_json(p)::text AS j FROM privacy_requests p WHERE id = $1',
        [id],
      );
      return row.j;
    };

    const drop = new DropRequestSubjectIndexes1764003600000();
    const q = db.createQueryRunner();
    try {
      await drop.down(q);
      await q.query(
        'UPDATE privacy_requests SET email_index = $2, subject_id_index = $3 WHERE id = $1',
        [id, ...former],
      );
      for (const value of former) {
        expect(await stored()).toContain(value);
      }
      await drop.up(q);
    } finally {
      await q.release();
    }

    const row = await stored();
    for (const value of former) {
      expect(row).not.toContain(value);
    }
    const columns: Array<{ c: string }> = await db.query(
      `SELECT column_name AS c FROM information_schema.columns
        WHERE table_name = 'privacy_requests' AND column_name LIKE '%index%'`,
    );
    expect(columns).toEqual([]);
    const read = await request(t.http)
      .get(`/v1/privacy-requests/${id}`)
      .set('Authorization', `Bearer ${writer}`)
      .expect(200);
    expect(read.body.id).toBe(id);
    await request(t.http)
      .post('/v1/crypto/blind-index')
      .set('Authorization', `Bearer ${decryptKey}`)
      .send({ field: 'svc:dsr.email', value: email })
      .expect(400);
    await request(t.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${decryptKey}`)
      .send({ fields: { 'svc:dsr.email': email }, blindIndex: ['svc:dsr.email'] })
      .expect(400);
  });

  it("cannot decrypt a data store's stored connection", async () => {
    const res = await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        name: 'svc-context-shop',
        type: 'postgres',
        connection: { url: shop.postgresUrl },
        collections: SHOP_COLLECTIONS,
      })
      .expect(201);
    const [row]: Array<{ c: string }> = await db.query(
      'SELECT connection_ciphertext AS c FROM data_stores WHERE id = $1',
      [res.body.id],
    );
    const guessed = await decrypt(row.c, { table: 'stores', id: res.body.id });
    expect(guessed.status).toBe(403);
    const legacy = await decrypt(row.c, {
      table: 'data_stores',
      column: 'connection',
      id: res.body.id,
    });
    expect(legacy.status).toBe(400);
    const reserved = await decrypt(row.c, {
      'svc:field': 'data_stores.connection',
      'svc:store': res.body.id,
    });
    expect(reserved.status).toBe(400);
    expect(JSON.stringify([guessed.body, legacy.body, reserved.body])).not.toContain(
      shop.postgresUrl,
    );
  });

  it('refuses the internal keyrings to every caller: creating, encrypting, data keys', async () => {
    const as = (path: string, token: string, body: object) =>
      request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body);
    await as('/v1/keys', admin, { alias: 'internal.mine', provider: 'local' }).expect(403);
    await as('/v1/crypto/encrypt', admin, {
      keyAlias: 'internal.service',
      fields: { a: 'x' },
    }).expect(403);
    await as('/v1/crypto/encrypt', decryptKey, {
      keyAlias: 'internal.service',
      fields: { a: 'x' },
    }).expect(403);
    await as('/v1/crypto/data-keys', decryptKey, { keyAlias: 'internal.service' }).expect(403);
  });

  it('refuses reserved context keys when encrypting too', async () => {
    const res = await request(t.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${decryptKey}`)
      .send({ context: { 'svc:field': 'privacy_requests.subject' }, fields: { a: 'x' } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('neither opens nor seals a value under the context the service sealed its own values under before', async () => {
    const email = uniqueEmail('łucja');
    const former = { table: 'privacy_requests', column: 'subject' };
    // A subject stored before the reserved contexts, in a row not moved yet.
    const unmoved = await t.app
      .get(PersonalDataCipher)
      .encrypt(JSON.stringify({ email }), { context: former });
    const opened = await decrypt(unmoved, former);
    expect(opened.status).toBe(400);
    expect(opened.body.errors).toEqual([expect.objectContaining({ field: 'context' })]);
    expect(opened.text).not.toContain(email);
    for (const context of [
      former,
      { table: 'data_stores', column: 'connection', id: randomUUID() },
    ]) {
      await request(t.http)
        .post('/v1/crypto/encrypt')
        .set('Authorization', `Bearer ${decryptKey}`)
        .send({ context, fields: { subject: JSON.stringify({ email }) } })
        .expect(400);
    }
  });

  it('binds a subject to its request and still reads one sealed under the former context', async () => {
    const protector = t.app.get(SubjectProtector);
    const requestId = randomUUID();
    const sealed = await protector.seal({ email: 'ženja@example.org' }, requestId);
    expect(await protector.open(sealed, requestId)).toEqual({ email: 'ženja@example.org' });
    await expect(protector.open(sealed, randomUUID())).rejects.toThrow();
    const former = await t.app
      .get(PersonalDataCipher)
      .encrypt(JSON.stringify({ email: 'ö@example.org' }), {
        context: { table: 'privacy_requests', column: 'subject' },
      });
    expect(await protector.open(former, requestId)).toEqual({ email: 'ö@example.org' });
  });
});
