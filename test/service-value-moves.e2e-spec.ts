import { createLocalJWKSet, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DataStoreValueMoves } from 'src/data-stores/data-store-value-moves';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import { ConsentValueMoves } from 'src/consent/consent-value-moves';
import { ConsentSubjects } from 'src/consent/ledger/consent-subject';
import { ConsentSubjectIndexMove } from 'src/consent/ledger/consent-subject-index.move';
import { signingKeyContexts } from 'src/consent/receipts/signing-key.context';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { ManualTasksService, noteContexts } from 'src/privacy-requests/manual/manual-tasks.service';
import { reasonContexts } from 'src/privacy-requests/notifications/reason.context';
import { SubjectMailOutbox } from 'src/privacy-requests/notifications/subject-mail-outbox.service';
import { PrivacyRequestValueMoves } from 'src/privacy-requests/privacy-request-value-moves';
import { SubjectProtector } from 'src/privacy-requests/subject-protector.service';
import { WebhooksService } from 'src/consent/webhooks/webhooks.service';
import { createApiKey, publicDecrypt, uniqueEmail } from './support/factories';
import { ownDatabase } from './support/own-database';
import { createShop, SHOP_COLLECTIONS, ShopFixture } from './support/shop-fixture';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe("the service's own values and the public crypto API", () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let admin: string;
  let db: DataSource;
  let cipher: PersonalDataCipher;
  let cryptoKey: string;
  let consentKey: string;
  let requestKey: string;
  let shop: ShopFixture | undefined;
  const purpose = `news_${randomBytes(3).toString('hex')}`;

  // Its values are rewritten to their former form and moved again: a database of its own.
  beforeAll(async () => {
    own = await ownDatabase('svc_moves');
    // No workers: the requests below are held running by hand, so none may be finished under them.
    t = await createTestApp({ ...own.env, WORKERS: 'false' });
    admin = await adminToken(t.http);
    db = t.app.get(DataSource);
    cipher = t.app.get(PersonalDataCipher);
    cryptoKey = (await createApiKey(t.http, admin, ['crypto:decrypt', 'crypto:encrypt'])).key;
    consentKey = (await createApiKey(t.http, admin, ['consent:write', 'consent:read'])).key;
    requestKey = (await createApiKey(t.http, admin, ['requests:write'])).key;
    await request(t.http)
      .post('/v1/purposes')
      .set('Authorization', `Bearer ${admin}`)
      .send({ key: purpose, name: 'News', description: 'News', legalBasis: 'consent' })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await shop?.drop();
  });

  const decrypt = (ciphertext: string, context: Record<string, string>) =>
    publicDecrypt(t.http, cryptoKey, ciphertext, context);
  /** Whether the service itself still opens a value under `context` (the public API refuses the
   * service's former contexts outright, so a move is seen from inside). */
  const opensUnder = (ciphertext: string, context: Record<string, string>): Promise<boolean> =>
    cipher.decrypt(ciphertext, { context }).then(
      () => true,
      () => false,
    );

  const consent = (subjectId: string) =>
    request(t.http)
      .post('/v1/consents')
      .set('Authorization', `Bearer ${consentKey}`)
      .send({ subjectId, purpose, granted: true })
      .expect(201);

  const signingKeyRow = async (): Promise<{ kid: string; enc: string }> => {
    const [row]: Array<{ kid: string; enc: string }> = await db.query(
      `SELECT kid, private_jwk_enc AS enc FROM consent_signing_keys WHERE status = 'active'`,
    );
    return row;
  };

  const forgetMoves = () => db.query(`DELETE FROM service_value_moves`);

  it('still opens product data sealed through the public API', async () => {
    const sealed = await request(t.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${cryptoKey}`)
      .send({ context: { table: 'orders' }, fields: { note: 'leave at the door' } })
      .expect(200);
    const opened = await decrypt(sealed.body.fields.note, { table: 'orders' }).expect(200);
    expect(opened.body.fields.value).toBe('leave at the door');
  });

  it("cannot decrypt the signing key's private JWK, under its former context or its own", async () => {
    await consent(uniqueEmail('signer'));
    const { kid, enc } = await signingKeyRow();
    const { context, legacy } = signingKeyContexts(kid);
    const former = await decrypt(enc, legacy);
    expect(former.status).toBe(400);
    expect((await decrypt(enc, context)).status).toBe(400);
    expect(JSON.stringify(former.body)).not.toContain('"d"');
  });

  it('moves a signing key sealed under its former context to the internal keyring at start', async () => {
    await consent(uniqueEmail('before'));
    const { kid, enc } = await signingKeyRow();
    const { context, legacy } = signingKeyContexts(kid);
    const jwk = await cipher.decryptOwn(enc, context, legacy);
    const formerly = await cipher.encrypt(jwk, { context: legacy });
    await db.query(`UPDATE consent_signing_keys SET private_jwk_enc = $2 WHERE kid = $1`, [
      kid,
      formerly,
    ]);
    await forgetMoves();
    expect(await opensUnder(formerly, legacy)).toBe(true);
    expect((await decrypt(formerly, legacy)).status).toBe(400);

    await t.app.get(ConsentValueMoves).onApplicationBootstrap();
    const moved = (await signingKeyRow()).enc;
    expect(moved).not.toBe(formerly);
    expect(await opensUnder(moved, legacy)).toBe(false);
    await forgetMoves();
    await t.app.get(ConsentValueMoves).onApplicationBootstrap();
    expect((await signingKeyRow()).enc).toBe(moved);

    const receiptId = (await consent(uniqueEmail('after'))).body.receiptId as string;
    const receipt = await request(t.http)
      .get(`/v1/consents/receipts/${receiptId}`)
      .set('Authorization', `Bearer ${consentKey}`)
      .expect(200);
    const jwks = await request(t.http).get('/v1/.well-known/jwks.json').expect(200);
    const jws = receipt.body.receipt as string;
    const verified = await jwtVerify(jws, createLocalJWKSet(jwks.body));
    expect(verified.protectedHeader.kid).toBe(kid);
  });

  /** A request kept running, whose rows the tests below write as earlier versions did. */
  const runningRequest = async (): Promise<string> => {
    const res = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${requestKey}`)
      .send({ type: 'access', subject: { email: uniqueEmail('moves') }, jurisdiction: 'GDPR' })
      .expect(201);
    await db.query(`UPDATE privacy_requests SET status = 'in_progress' WHERE id = $1`, [
      res.body.id,
    ]);
    return res.body.id as string;
  };

  it("cannot decrypt a subject mail's reason; one sealed before is moved at start", async () => {
    const outbox = t.app.get(SubjectMailOutbox);
    const reason = 'Ticket 4711: the archive in Gdańsk is being restored';
    const fresh = await outbox.entry('extension', { reason });
    const { context, legacy } = reasonContexts(fresh.id);
    expect((await decrypt(fresh.reasonCiphertext!, legacy)).status).toBe(400);
    expect((await decrypt(fresh.reasonCiphertext!, context)).status).toBe(400);

    const requestId = await runningRequest();
    const formerly = await cipher.encrypt(reason, { context: legacy });
    await db.query(
      `INSERT INTO subject_mail_outbox (id, request_id, kind, reason_ciphertext, status)
       VALUES ($1, $2, 'rejection', $3, 'skipped')`,
      [fresh.id, requestId, formerly],
    );
    expect(await cipher.decrypt(formerly, { context: legacy })).toBe(reason);
    expect((await decrypt(formerly, legacy)).status).toBe(400);
    await forgetMoves();
    await t.app.get(PrivacyRequestValueMoves).onApplicationBootstrap();
    const [row]: Array<{ c: string }> = await db.query(
      `SELECT reason_ciphertext AS c FROM subject_mail_outbox WHERE id = $1`,
      [fresh.id],
    );
    expect(await opensUnder(row.c, legacy)).toBe(false);
    expect(await outbox.openReason(row.c, fresh.id)).toBe(reason);
  });

  it("cannot decrypt a manual task's note; one sealed before is moved at start", async () => {
    const requestId = await runningRequest();
    const insertTask = async (status: string, note: string | null): Promise<string> => {
      const [task]: Array<{ id: string }> = await db.query(
        `INSERT INTO privacy_request_tasks (request_id, data_store_name, status, note_ciphertext)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [requestId, `by-hand-${randomBytes(3).toString('hex')}`, status, note],
      );
      return task.id;
    };
    const note = 'Paper file of Jürgen Weiß shredded';
    const waiting = await insertTask('waiting', null);
    await insertTask('waiting', null);
    await t.app.get(ManualTasksService).complete(SYSTEM, requestId, waiting, note);
    const noteOf = async (id: string): Promise<string> => {
      const [row] = await db.query<Array<{ c: string }>>(
        `SELECT note_ciphertext AS c FROM privacy_request_tasks WHERE id = $1`,
        [id],
      );
      return row.c;
    };
    const sealed = await noteOf(waiting);
    expect((await decrypt(sealed, noteContexts(waiting).legacy)).status).toBe(400);
    expect((await decrypt(sealed, noteContexts(waiting).context)).status).toBe(400);

    const old = await insertTask('completed', 'placeholder');
    const { legacy } = noteContexts(old);
    const formerly = await cipher.encrypt(note, { context: legacy });
    await db.query(`UPDATE privacy_request_tasks SET note_ciphertext = $2 WHERE id = $1`, [
      old,
      formerly,
    ]);
    expect(await cipher.decrypt(formerly, { context: legacy })).toBe(note);
    expect((await decrypt(formerly, legacy)).status).toBe(400);
    await forgetMoves();
    await t.app.get(PrivacyRequestValueMoves).onApplicationBootstrap();
    expect(await opensUnder(await noteOf(old), legacy)).toBe(false);
  });

  /** Writes consent rows as earlier versions did; the ledger allows only this, and only so. */
  const rewriteLedger = (sql: string, params: unknown[]) =>
    db.transaction(async (m) => {
      await m.query(`SELECT set_config('privacy.service_value_move', 'on', true)`);
      await m.query(sql, params);
    });

  it("cannot decrypt a consent's sealed subject id; one sealed before is moved at start", async () => {
    const subjectId = uniqueEmail('ledger');
    const receiptId = (await consent(subjectId)).body.receiptId as string;
    const encOf = async (): Promise<string> => {
      const [row] = await db.query<Array<{ c: string }>>(
        `SELECT subject_enc AS c FROM consent_events WHERE id = $1`,
        [receiptId],
      );
      return row.c;
    };
    const legacy = { table: 'consent_events', column: 'subject_id' };
    const refused = await decrypt(await encOf(), legacy);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain(subjectId);
    expect((await decrypt(await encOf(), { 'svc:field': 'consent_events.subject' })).status).toBe(
      400,
    );

    const formerly = await cipher.encrypt(subjectId, { context: legacy, subjectId });
    await rewriteLedger(`UPDATE consent_events SET subject_enc = $2 WHERE id = $1`, [
      receiptId,
      formerly,
    ]);
    expect(await cipher.decrypt(formerly, { context: legacy })).toBe(subjectId);
    expect((await decrypt(formerly, legacy)).status).toBe(400);
    await forgetMoves();
    await t.app.get(ConsentValueMoves).onApplicationBootstrap();
    const moved = await encOf();
    expect(await opensUnder(moved, legacy)).toBe(false);
    expect(await t.app.get(ConsentSubjects).open(moved)).toBe(subjectId);
  });

  it("cannot compute a consent subject's index with POST /v1/crypto/blind-index; indexes written before are re-indexed", async () => {
    const subjectId = uniqueEmail('Index');
    await consent(subjectId);
    const index = (field: string) =>
      request(t.http)
        .post('/v1/crypto/blind-index')
        .set('Authorization', `Bearer ${cryptoKey}`)
        .send({ field, value: subjectId });
    const publicIndex = (await index('consent.subject').expect(200)).body.blindIndex as string;
    await index('svc:consent.subject').expect(400);
    const refsOf = async (): Promise<string[]> =>
      (
        await db.query<Array<{ ref: string }>>(
          `SELECT subject_ref AS ref FROM consent_events WHERE subject_ref = ANY($1)
           UNION ALL SELECT subject_ref FROM consent_states WHERE subject_ref = ANY($1)`,
          [[publicIndex, t.app.get(ConsentSubjects).ref(subjectId)]],
        )
      ).map((r) => r.ref);
    const stored = await refsOf();
    expect(stored).toHaveLength(2);
    expect(stored).not.toContain(publicIndex);

    await rewriteLedger(`UPDATE consent_events SET subject_ref = $2 WHERE subject_ref = $1`, [
      stored[0],
      publicIndex,
    ]);
    await db.query(`UPDATE consent_states SET subject_ref = $2 WHERE subject_ref = $1`, [
      stored[0],
      publicIndex,
    ]);
    expect(await refsOf()).toEqual([publicIndex, publicIndex]);
    await forgetMoves();
    expect(await t.app.get(ConsentSubjectIndexMove).run()).toBe(1);
    expect(await refsOf()).toEqual(stored);
    expect(await t.app.get(ConsentSubjectIndexMove).run()).toBe(0);
    const check = await request(t.http)
      .get('/v1/consents/check')
      .query({ subjectId: ` ${subjectId.toUpperCase()} `, purpose })
      .set('Authorization', `Bearer ${consentKey}`)
      .expect(200);
    expect(check.body.allowed).toBe(true);
  });

  it('keeps consent webhook URLs sealed and shows them masked; one stored plain is sealed at start', async () => {
    const url = 'https://hooks.example.com/consent?token=tok_8a7f6e5d';
    const created = await request(t.http)
      .post('/v1/admin/webhooks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ url })
      .expect(201);
    const id = created.body.id as string;
    const urlOf = async (): Promise<string> => {
      const [row] = await db.query<Array<{ url: string }>>(
        `SELECT url FROM consent_webhooks WHERE id = $1`,
        [id],
      );
      return row.url;
    };
    expect(await urlOf()).not.toContain('tok_8a7f6e5d');
    const shown = await request(t.http)
      .get(`/v1/admin/webhooks/${id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(shown.body.url).toContain('hooks.example.com');
    expect(JSON.stringify(shown.body)).not.toContain('tok_8a7f6e5d');
    const guessed = await decrypt(await urlOf(), {
      'svc:field': 'consent_webhooks.url',
      'svc:webhook': id,
    });
    expect(guessed.status).toBe(400);

    await db.query(`UPDATE consent_webhooks SET url = $2 WHERE id = $1`, [id, url]);
    await forgetMoves();
    await t.app.get(ConsentValueMoves).onApplicationBootstrap();
    const sealed = await urlOf();
    expect(sealed).not.toContain('tok_8a7f6e5d');
    const [row] = await db.query(`SELECT * FROM consent_webhooks WHERE id = $1`, [id]);
    expect(await t.app.get(WebhooksService).urlOf(row)).toBe(url);
  });

  it('keeps completion webhook URLs sealed; one stored plain is sealed at start', async () => {
    const url = 'https://hooks.example.com/done?token=tok_1b2c3d4e';
    const filed = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${requestKey}`)
      .send({
        type: 'access',
        subject: { email: uniqueEmail('hook') },
        jurisdiction: 'GDPR',
        webhookUrl: url,
      })
      .expect(201);
    const id = filed.body.id as string;
    const stored = async (): Promise<string> => {
      const [row] = await db.query<Array<{ u: string }>>(
        `SELECT webhook_url AS u FROM privacy_requests WHERE id = $1`,
        [id],
      );
      return row.u;
    };
    expect(await stored()).not.toContain('tok_1b2c3d4e');
    const protector = t.app.get(SubjectProtector);
    expect(await protector.openWebhookUrl(await stored(), id)).toBe(url);

    await db.query(`UPDATE privacy_requests SET webhook_url = $2 WHERE id = $1`, [id, url]);
    await forgetMoves();
    await t.app.get(PrivacyRequestValueMoves).onApplicationBootstrap();
    const sealed = await stored();
    expect(sealed).not.toContain('tok_1b2c3d4e');
    expect(await protector.openWebhookUrl(sealed, id)).toBe(url);
  });

  it('moves a request subject and a store connection sealed before to the internal keyring', async () => {
    const requestId = await runningRequest();
    const subject = { email: uniqueEmail('früher') };
    const legacySubject = { table: 'privacy_requests', column: 'subject' };
    const formerSubject = await cipher.encrypt(JSON.stringify(subject), {
      context: legacySubject,
    });
    await db.query(`UPDATE privacy_requests SET subject_ciphertext = $2 WHERE id = $1`, [
      requestId,
      formerSubject,
    ]);
    shop = await createShop({ customers: 1, orders: 1, items: 1 }, 'moves');
    const store = await request(t.http)
      .post('/v1/data-stores')
      .set('Authorization', `Bearer ${admin}`)
      .send({
        name: 'moves-shop',
        type: 'postgres',
        connection: { url: shop.postgresUrl },
        collections: SHOP_COLLECTIONS,
      })
      .expect(201);
    const legacyConnection = { table: 'data_stores', column: 'connection', id: store.body.id };
    const formerConnection = await cipher.encrypt(JSON.stringify({ url: shop.postgresUrl }), {
      context: legacyConnection,
    });
    await db.query(`UPDATE data_stores SET connection_ciphertext = $2 WHERE id = $1`, [
      store.body.id,
      formerConnection,
    ]);
    expect(await opensUnder(formerSubject, legacySubject)).toBe(true);
    expect(await opensUnder(formerConnection, legacyConnection)).toBe(true);
    expect((await decrypt(formerSubject, legacySubject)).status).toBe(400);
    expect((await decrypt(formerConnection, legacyConnection)).status).toBe(400);

    await forgetMoves();
    await t.app.get(PrivacyRequestValueMoves).onApplicationBootstrap();
    await t.app.get(DataStoreValueMoves).onApplicationBootstrap();
    const [row] = await db.query<Array<{ s: string; c: string }>>(
      `SELECT r.subject_ciphertext AS s, d.connection_ciphertext AS c
         FROM privacy_requests r, data_stores d WHERE r.id = $1 AND d.id = $2`,
      [requestId, store.body.id],
    );
    expect(await opensUnder(row.s, legacySubject)).toBe(false);
    expect(await opensUnder(row.c, legacyConnection)).toBe(false);
    expect(await t.app.get(SubjectProtector).open(row.s, requestId)).toEqual(subject);
  });
});
