import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface RotationBody {
  rotation: {
    status: string;
    processed: number;
    rewrapped: number;
    total: number;
    progress: number;
  };
  activeVersion: number;
}

describe('Field encryption over HTTP', () => {
  let t: TestApp;
  let admin: string;
  let enc: string;
  let dec: string;
  let other: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    enc = (await createApiKey(t.http, admin, ['crypto:encrypt'])).key;
    dec = (await createApiKey(t.http, admin, ['crypto:decrypt'])).key;
    other = (await createApiKey(t.http, admin, ['consent:read'])).key;
  });
  afterAll(() => t.close());

  const post = (path: string, key: string, body: object): request.Test =>
    request(t.http).post(path).set('Authorization', `Bearer ${key}`).send(body);

  const encrypt = async (body: object): Promise<Record<string, string>> =>
    (
      (await post('/v1/crypto/encrypt', enc, body).expect(200)).body as {
        fields: Record<string, string>;
      }
    ).fields;

  it('encrypts and decrypts a batch with a context, and returns blind indexes on request', async () => {
    const context = { table: 'customers', tenant: 'acme' };
    const res = await post('/v1/crypto/encrypt', enc, {
      context,
      fields: { email: ' Jane@Example.com', phone: '+44 20 7946 0018' },
      blindIndex: ['email'],
    }).expect(200);
    const body = res.body as {
      fields: Record<string, string>;
      blindIndexes: Record<string, string>;
    };
    expect(body.fields.email).not.toContain('Jane');
    const lookUp = await post('/v1/crypto/blind-index', enc, {
      field: 'email',
      value: 'jane@example.com',
    }).expect(200);
    expect(body.blindIndexes.email).toBe((lookUp.body as { blindIndex: string }).blindIndex);
    const opened = await post('/v1/crypto/decrypt', dec, { context, fields: body.fields }).expect(
      200,
    );
    expect(opened.body).toEqual({
      fields: { email: ' Jane@Example.com', phone: '+44 20 7946 0018' },
    });
  });

  it('requires the matching scope: 403 for another scope, 401 without credentials', async () => {
    await post('/v1/crypto/encrypt', other, { fields: { a: 'x' } }).expect(403);
    await post('/v1/crypto/encrypt', dec, { fields: { a: 'x' } }).expect(403);
    await post('/v1/crypto/decrypt', enc, { fields: {} }).expect(403);
    await post('/v1/crypto/blind-index', dec, { field: 'a', value: 'x' }).expect(403);
    await request(t.http)
      .post('/v1/crypto/encrypt')
      .send({ fields: { a: 'x' } })
      .expect(401);
    await request(t.http)
      .delete('/v1/subjects/someone/keys')
      .set('Authorization', `Bearer ${enc}`)
      .expect(403);
    await request(t.http).get('/v1/keys').set('Authorization', `Bearer ${enc}`).expect(403);
  });

  it('answers 422 for a wrong context, a tampered and a malformed ciphertext', async () => {
    const { v } = await encrypt({ context: { table: 'a' }, fields: { v: 'secret value' } });
    const wrong = await post('/v1/crypto/decrypt', dec, {
      context: { table: 'b' },
      fields: { v },
    }).expect(422);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(wrong.body)).not.toContain('secret value');
    await post('/v1/crypto/decrypt', dec, { fields: { v } }).expect(422);
    const i = v.length - 10;
    const tampered = v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
    await post('/v1/crypto/decrypt', dec, {
      context: { table: 'a' },
      fields: { v: tampered },
    }).expect(422);
    await post('/v1/crypto/decrypt', dec, { fields: { v: 'not a ciphertext' } }).expect(422);
  });

  it('rejects bad bodies with 400 and oversized batches with 413', async () => {
    await post('/v1/crypto/encrypt', enc, { fields: { a: 1 } }).expect(400);
    await post('/v1/crypto/encrypt', enc, { fields: { a: 'x' }, extra: true }).expect(400);
    await post('/v1/crypto/encrypt', enc, { fields: { a: 'x' }, blindIndex: ['b'] }).expect(400);
    await post('/v1/crypto/encrypt', enc, { fields: { a: 'x' }, context: { n: 1 } }).expect(400);
    // `fields` skips class-transformer, so its own validator must refuse every other shape.
    for (const fields of ['x', ['x'], null, { a: { b: 'x' } }, { a: ['x'] }, { a: 'x', b: null }]) {
      const refused = await post('/v1/crypto/encrypt', enc, { fields }).expect(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      await post('/v1/crypto/decrypt', dec, { fields }).expect(400);
    }
    await post('/v1/crypto/encrypt', enc, {}).expect(400);
    await post('/v1/crypto/decrypt', dec, { context: { a: 'x' } }).expect(400);
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, 'x']));
    const tooMany = await post('/v1/crypto/encrypt', enc, { fields: many }).expect(413);
    expect(tooMany.headers['content-type']).toContain('application/problem+json');
    await post('/v1/crypto/decrypt', dec, { fields: many }).expect(413);
    await post('/v1/crypto/encrypt', enc, { fields: { big: 'x'.repeat(70_000) } }).expect(413);
    const thousand = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, `v${i}`]));
    const sealed = await encrypt({ fields: thousand });
    const opened = await post('/v1/crypto/decrypt', dec, { fields: sealed }).expect(200);
    expect((opened.body as { fields: Record<string, string> }).fields).toEqual(thousand);
  });

  it('shreds a subject: its ciphertexts answer 410, other subjects are untouched', async () => {
    const subjectId = `subject-${randomUUID()}`;
    const neighbour = `subject-${randomUUID()}`;
    const mine = await encrypt({ subjectId, fields: { name: 'Jane Doe' } });
    const theirs = await encrypt({ subjectId: neighbour, fields: { name: 'John Roe' } });
    await post('/v1/crypto/decrypt', dec, { fields: mine }).expect(200);
    await request(t.http)
      .delete(`/v1/subjects/${subjectId}/keys`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);
    const gone = await post('/v1/crypto/decrypt', dec, { fields: mine }).expect(410);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    await post('/v1/crypto/encrypt', enc, { subjectId, fields: { name: 'again' } }).expect(410);
    await post('/v1/crypto/decrypt', dec, { fields: theirs }).expect(200);
  });

  it('audits each decrypt call once with its field count and never the values', async () => {
    const db = t.app.get(DataSource);
    const marker = `audit-marker-${randomUUID()}`;
    const sealed = await encrypt({ fields: { a: marker, b: marker, c: marker } });
    const requestId = randomUUID();
    await post('/v1/crypto/decrypt', dec, { fields: sealed })
      .set('X-Request-Id', requestId)
      .expect(200);
    const events = await db.query<Array<{ action: string; details: { fieldCount: number } }>>(
      'SELECT action, details FROM audit_events WHERE request_id = $1',
      [requestId],
    );
    expect(events).toEqual([{ action: 'crypto.decrypt', details: { fieldCount: 3 } }]);
    const leaks = await db.query<unknown[]>(
      `SELECT 1 FROM audit_events WHERE details::text LIKE $1`,
      [`%${marker}%`],
    );
    expect(leaks).toHaveLength(0);
  });

  it('registers keys (admin only), lists them, and refuses duplicates and other providers', async () => {
    const alias = `billing-${randomUUID().slice(0, 8)}`;
    const created = await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias, provider: 'local' })
      .expect(201);
    expect(created.body).toMatchObject({ alias, provider: 'local', version: 1, status: 'active' });
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias, provider: 'local' })
      .expect(409);
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias: `${alias}-x`, provider: 'aws-kms' })
      .expect(422);
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias: 'x', provider: 'vault' })
      .expect(400);
    const list = await request(t.http)
      .get('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const items = (list.body as { items: Array<{ alias: string }> }).items;
    expect(items.map((k) => k.alias)).toEqual(expect.arrayContaining(['pii', alias]));
    const sealed = await encrypt({ keyAlias: alias, fields: { v: 'under billing' } });
    await post('/v1/crypto/decrypt', dec, { fields: sealed }).expect(200);
    await post('/v1/crypto/encrypt', enc, { keyAlias: 'no-such-alias', fields: { v: 'x' } }).expect(
      422,
    );
    await request(t.http)
      .get('/v1/keys/no-such-alias')
      .set('Authorization', `Bearer ${admin}`)
      .expect(404);
  });

  it('rotates: old and new ciphertexts decrypt and the re-wrap job completes with progress', async () => {
    const alias = `rot-${randomUUID().slice(0, 8)}`;
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ alias, provider: 'local' })
      .expect(201);
    const subjects = Array.from({ length: 5 }, () => `subject-${randomUUID()}`);
    const old: Array<Record<string, string>> = [];
    for (const subjectId of subjects) {
      old.push(await encrypt({ keyAlias: alias, subjectId, fields: { v: `old ${subjectId}` } }));
    }
    const oldPlain = await encrypt({ keyAlias: alias, fields: { v: 'old plain' } });
    const rotated = await request(t.http)
      .post(`/v1/keys/${alias}/rotate`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(201);
    expect((rotated.body as RotationBody).activeVersion).toBe(2);
    const fresh = await encrypt({ keyAlias: alias, fields: { v: 'new plain' } });
    expect(fresh.v).not.toBe(oldPlain.v);
    let detail: RotationBody | undefined;
    for (let i = 0; i < 100; i += 1) {
      const res = await request(t.http)
        .get(`/v1/keys/${alias}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      detail = res.body as RotationBody;
      if (detail.rotation.status === 'completed') {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail?.rotation).toMatchObject({
      status: 'completed',
      total: 5,
      processed: 5,
      rewrapped: 5,
      progress: 1,
    });
    const db = t.app.get(DataSource);
    const pending = await db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM subject_keys WHERE alias = $1 AND keyring_version < 2`,
      [alias],
    );
    expect(pending[0].n).toBe(0);
    for (let i = 0; i < subjects.length; i += 1) {
      const res = await post('/v1/crypto/decrypt', dec, { fields: old[i] }).expect(200);
      expect(res.body).toEqual({ fields: { v: `old ${subjects[i]}` } });
    }
    await post('/v1/crypto/decrypt', dec, { fields: oldPlain }).expect(200, {
      fields: { v: 'old plain' },
    });
    await post('/v1/crypto/decrypt', dec, { fields: fresh }).expect(200, {
      fields: { v: 'new plain' },
    });
    await request(t.http)
      .post(`/v1/keys/${alias}/rotate`)
      .set('Authorization', `Bearer ${enc}`)
      .expect(403);
  });

  it('leaves no plaintext in any column of any table after encrypting', async () => {
    const marker = `plaintext-marker-${randomUUID()}`;
    await encrypt({ fields: { a: marker } });
    await encrypt({ subjectId: marker, context: { note: 'x' }, fields: { a: marker } });
    await post('/v1/crypto/blind-index', enc, { field: 'email', value: marker }).expect(200);
    const db = t.app.get(DataSource);
    const tables = await db.query<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['subject_keys', 'keyring_keys', 'audit_events']),
    );
    const hex = Buffer.from(marker).toString('hex');
    for (const { table_name } of tables) {
      const hits = await db.query<unknown[]>(
        `SELECT 1 FROM "${table_name}" t WHERE t::text LIKE $1 OR t::text LIKE $2 LIMIT 1`,
        [`%${marker}%`, `%${hex}%`],
      );
      expect({ table: table_name, hits: hits.length }).toEqual({ table: table_name, hits: 0 });
    }
  });
  it('lets auditors and dpos read keys but only admins change them; pages the list', async () => {
    const auditor = await createUser(t.http, admin, ['auditor']);
    const dpo = await createUser(t.http, admin, ['dpo']);
    await request(t.http)
      .get('/v1/keys')
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200);
    await request(t.http)
      .get('/v1/keys/pii')
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(200);
    await request(t.http)
      .post('/v1/keys')
      .set('Authorization', `Bearer ${dpo.token}`)
      .send({ alias: 'dpo-key', provider: 'local' })
      .expect(403);
    await request(t.http)
      .post('/v1/keys/pii/rotate')
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(403);
    await request(t.http)
      .delete(`/v1/subjects/${randomUUID()}/keys`)
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(204);
    const first = await request(t.http)
      .get('/v1/keys?limit=1')
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200);
    const page = first.body as { items: unknown[]; nextCursor: string | null };
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const second = await request(t.http)
      .get(`/v1/keys?limit=1&cursor=${page.nextCursor}`)
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200);
    expect((second.body as { items: unknown[] }).items).not.toEqual(page.items);
  });

  it('documents every field-encryption route in the OpenAPI document', async () => {
    const doc = await request(t.http).get('/docs-json').expect(200);
    const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/keys',
        '/v1/keys/{alias}',
        '/v1/keys/{alias}/rotate',
        '/v1/crypto/encrypt',
        '/v1/crypto/decrypt',
        '/v1/crypto/blind-index',
        '/v1/subjects/{subjectId}/keys',
      ]),
    );
  });
});
