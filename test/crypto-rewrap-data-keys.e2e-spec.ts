import { randomUUID } from 'node:crypto';
import { createDecipheriv, createCipheriv, randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

type Fields = Record<string, string>;

describe('Rewrap, data keys and API keys limited to key aliases', () => {
  let t: TestApp;
  let admin: string;
  let enc: string;
  let dec: string;
  let both: string;
  let billing: string;
  let health: string;
  /** crypto:encrypt and crypto:decrypt, limited to `billing`. */
  let billingOnly: string;

  beforeAll(async () => {
    t = await createTestApp({ WORKERS: 'false' });
    admin = await adminToken(t.http);
    enc = (await createApiKey(t.http, admin, ['crypto:encrypt'])).key;
    dec = (await createApiKey(t.http, admin, ['crypto:decrypt'])).key;
    both = (await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt'])).key;
    billing = `billing-${randomUUID().slice(0, 8)}`;
    health = `health-${randomUUID().slice(0, 8)}`;
    for (const alias of [billing, health]) {
      await request(t.http)
        .post('/v1/keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ alias, provider: 'local' })
        .expect(201);
    }
    billingOnly = (
      await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt'], {
        keyAliases: [billing],
      })
    ).key;
  });
  afterAll(() => t?.close());

  const post = (path: string, key: string, body: object): request.Test =>
    request(t.http).post(path).set('Authorization', `Bearer ${key}`).send(body);
  const encrypt = async (body: object, key = enc): Promise<Fields> =>
    ((await post('/v1/crypto/encrypt', key, body).expect(200)).body as { fields: Fields }).fields;
  const versionOf = (ciphertext: string): number => {
    // header: lead byte, alias length, alias, LEB128 version (one byte below 128)
    const bytes = Buffer.from(ciphertext, 'base64url');
    return bytes[2 + bytes[1]];
  };
  const tamper = (text: string): string => {
    const i = text.length - 10;
    return text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
  };
  const db = (): DataSource => t.app.get(DataSource);

  describe('POST /v1/crypto/rewrap', () => {
    it('after a rotation, answers ciphertexts naming the new version that decrypt to the same values', async () => {
      const context = { table: 'invoices' };
      const values = { name: 'Zoë Ñúñez', iban: 'DE89 3704 0044 0532 0130 00' };
      const sealed = await encrypt({ keyAlias: billing, context, fields: values });
      expect(versionOf(sealed.name)).toBe(1);
      await request(t.http)
        .post(`/v1/keys/${billing}/rotate`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(201);
      const res = await post('/v1/crypto/rewrap', both, { context, fields: sealed }).expect(200);
      const rewrapped = (res.body as { fields: Fields }).fields;
      expect(Object.keys(rewrapped)).toEqual(['name', 'iban']);
      expect(versionOf(rewrapped.name)).toBe(2);
      expect(versionOf(rewrapped.iban)).toBe(2);
      expect(JSON.stringify(res.body)).not.toContain('Zoë');
      await post('/v1/crypto/decrypt', dec, { context, fields: rewrapped }).expect(200, {
        fields: values,
      });
    });

    it("keeps a subject's fields under that subject: shredding still erases them", async () => {
      const subjectId = `subject-${randomUUID()}`;
      const sealed = await encrypt({ subjectId, fields: { email: 'jane@example.com' } });
      const rewrapped = (
        (await post('/v1/crypto/rewrap', both, { fields: sealed }).expect(200)).body as {
          fields: Fields;
        }
      ).fields;
      await post('/v1/crypto/decrypt', dec, { fields: rewrapped }).expect(200, {
        fields: { email: 'jane@example.com' },
      });
      await request(t.http)
        .delete(`/v1/subjects/${subjectId}/keys`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(204);
      await post('/v1/crypto/decrypt', dec, { fields: rewrapped }).expect(410);
    });

    it('answers 410 for a field of a shredded subject', async () => {
      const subjectId = `subject-${randomUUID()}`;
      const sealed = await encrypt({ subjectId, fields: { email: 'gone@example.com' } });
      await request(t.http)
        .delete(`/v1/subjects/${subjectId}/keys`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(204);
      const gone = await post('/v1/crypto/rewrap', both, { fields: sealed }).expect(410);
      expect(gone.headers['content-type']).toContain('application/problem+json');
    });

    it('answers 422 naming the field for a wrong context, a tampered or a malformed ciphertext', async () => {
      const sealed = await encrypt({ context: { table: 'a' }, fields: { ok: 'x', v: 'secret' } });
      const wrong = await post('/v1/crypto/rewrap', both, {
        context: { table: 'b' },
        fields: sealed,
      }).expect(422);
      expect(wrong.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(wrong.body)).not.toContain('secret');
      const tampered = await post('/v1/crypto/rewrap', both, {
        context: { table: 'a' },
        fields: { ...sealed, v: tamper(sealed.v) },
      }).expect(422);
      expect((tampered.body as { errors: Array<{ field: string }> }).errors[0].field).toBe('v');
      await post('/v1/crypto/rewrap', both, { fields: { v: 'not a ciphertext' } }).expect(422);
    });

    it('answers 422 for a ciphertext under a disabled version, and rewraps the rest before it is disabled', async () => {
      const alias = `retiring-${randomUUID().slice(0, 8)}`;
      await request(t.http)
        .post('/v1/keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ alias, provider: 'local' })
        .expect(201);
      const old = await encrypt({ keyAlias: alias, fields: { a: 'kept', b: 'lost' } });
      await request(t.http)
        .post(`/v1/keys/${alias}/rotate`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(201);
      const kept = await post('/v1/crypto/rewrap', both, { fields: { a: old.a } }).expect(200);
      await request(t.http)
        .post(`/v1/keys/${alias}/versions/1/disable`)
        .set('Authorization', `Bearer ${admin}`)
        .expect((res) => expect(res.status).toBeLessThan(300));
      const refused = await post('/v1/crypto/rewrap', both, { fields: { b: old.b } }).expect(422);
      expect((refused.body as { errors: Array<{ field: string }> }).errors[0].field).toBe('b');
      await post('/v1/crypto/decrypt', dec, {
        fields: (kept.body as { fields: Fields }).fields,
      }).expect(200, { fields: { a: 'kept' } });
    });

    it('needs both crypto:encrypt and crypto:decrypt', async () => {
      const sealed = await encrypt({ fields: { a: 'x' } });
      await post('/v1/crypto/rewrap', enc, { fields: sealed }).expect(403);
      await post('/v1/crypto/rewrap', dec, { fields: sealed }).expect(403);
      await request(t.http).post('/v1/crypto/rewrap').send({ fields: sealed }).expect(401);
    });

    it('rejects bad bodies with 400 and more than 1,000 fields with 413', async () => {
      await post('/v1/crypto/rewrap', both, { fields: { a: 1 } }).expect(400);
      await post('/v1/crypto/rewrap', both, { fields: {}, keyAlias: 'pii' }).expect(400);
      await post('/v1/crypto/rewrap', both, {}).expect(400);
      await post('/v1/crypto/rewrap', both, { fields: {}, context: { n: 1 } }).expect(400);
      const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, 'x']));
      await post('/v1/crypto/rewrap', both, { fields: many }).expect(413);
      const thousand = Object.fromEntries(
        Array.from({ length: 1000 }, (_, i) => [`f${i}`, `${i}`]),
      );
      const sealed = await encrypt({ fields: thousand });
      const rewrapped = await post('/v1/crypto/rewrap', both, { fields: sealed }).expect(200);
      await post('/v1/crypto/decrypt', dec, {
        fields: (rewrapped.body as { fields: Fields }).fields,
      }).expect(200, { fields: thousand });
    });

    it('is audited once with its field count, never values or ciphertexts', async () => {
      const marker = `rewrap-marker-${randomUUID()}`;
      const sealed = await encrypt({ fields: { a: marker, b: marker } });
      const requestId = randomUUID();
      const res = await post('/v1/crypto/rewrap', both, { fields: sealed })
        .set('X-Request-Id', requestId)
        .expect(200);
      const events = await db().query<Array<{ action: string; details: object }>>(
        'SELECT action, details FROM audit_events WHERE request_id = $1',
        [requestId],
      );
      expect(events).toEqual([{ action: 'crypto.rewrap', details: { fieldCount: 2 } }]);
      const out = (res.body as { fields: Fields }).fields;
      for (const needle of [marker, sealed.a, out.a]) {
        const leaks = await db().query<unknown[]>(
          'SELECT 1 FROM audit_events WHERE details::text LIKE $1',
          [`%${needle}%`],
        );
        expect(leaks).toHaveLength(0);
      }
    });
  });

  describe('POST /v1/crypto/data-keys and /unwrap', () => {
    const context = { bucket: 'invoices', object: 'inv-2026-001.pdf' };

    it('gives a 32-byte key and its wrapped form, which unwraps to the same key; never cached', async () => {
      const res = await post('/v1/crypto/data-keys', enc, { context }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const { plaintextKey, wrappedKey } = res.body as { plaintextKey: string; wrappedKey: string };
      const key = Buffer.from(plaintextKey, 'base64');
      expect(key).toHaveLength(32);
      expect(wrappedKey).not.toContain(plaintextKey);
      // The client encrypts a blob locally and later gets the key back to decrypt it.
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const blob = Buffer.concat([cipher.update('a large document, Zoë'), cipher.final()]);
      const tag = cipher.getAuthTag();
      const back = await post('/v1/crypto/data-keys/unwrap', dec, { wrappedKey, context }).expect(
        200,
      );
      expect(back.headers['cache-control']).toBe('no-store');
      const again = Buffer.from((back.body as { plaintextKey: string }).plaintextKey, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', again, nonce).setAuthTag(tag);
      expect(Buffer.concat([decipher.update(blob), decipher.final()]).toString()).toBe(
        'a large document, Zoë',
      );
    });

    it('honours bytes 16 and 24 and the key alias; refuses other sizes with 400', async () => {
      for (const bytes of [16, 24]) {
        const res = await post('/v1/crypto/data-keys', enc, { bytes, keyAlias: health }).expect(
          200,
        );
        const body = res.body as { plaintextKey: string; wrappedKey: string };
        expect(Buffer.from(body.plaintextKey, 'base64')).toHaveLength(bytes);
        const alias = Buffer.from(body.wrappedKey, 'base64url');
        expect(alias.toString('latin1', 2, 2 + alias[1])).toBe(health);
        await post('/v1/crypto/data-keys/unwrap', dec, { wrappedKey: body.wrappedKey }).expect(
          200,
          { plaintextKey: body.plaintextKey },
        );
      }
      for (const bytes of [20, 64, '32']) {
        await post('/v1/crypto/data-keys', enc, { bytes }).expect(400);
      }
    });

    it('answers 422 for a wrong context, a tampered or a foreign wrapped key', async () => {
      const { wrappedKey } = (await post('/v1/crypto/data-keys', enc, { context }).expect(200))
        .body as { wrappedKey: string };
      for (const body of [
        { wrappedKey },
        { wrappedKey, context: { ...context, object: 'other.pdf' } },
        { wrappedKey: tamper(wrappedKey), context },
        { wrappedKey: (await encrypt({ fields: { a: 'x'.repeat(32) } })).a },
        { wrappedKey: 'not-a-key' },
      ]) {
        const refused = await post('/v1/crypto/data-keys/unwrap', dec, body).expect(422);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.body).not.toHaveProperty('plaintextKey');
      }
      await post('/v1/crypto/data-keys', enc, { keyAlias: 'no-such-alias' }).expect(422);
    });

    it('answers 422 for a keyring that is not an AES key (HMAC, signing)', async () => {
      const alias = `hmac-${randomUUID().slice(0, 8)}`;
      await request(t.http)
        .post('/v1/keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ alias, provider: 'local', type: 'hmac-sha256' })
        .expect(201);
      const refused = await post('/v1/crypto/data-keys', enc, { keyAlias: alias }).expect(422);
      expect(refused.body).not.toHaveProperty('plaintextKey');
    });

    it('needs crypto:encrypt to generate and crypto:decrypt to unwrap', async () => {
      const { wrappedKey } = (await post('/v1/crypto/data-keys', enc, {}).expect(200)).body as {
        wrappedKey: string;
      };
      await post('/v1/crypto/data-keys', dec, {}).expect(403);
      await post('/v1/crypto/data-keys/unwrap', enc, { wrappedKey }).expect(403);
      await request(t.http).post('/v1/crypto/data-keys').send({}).expect(401);
    });

    it('rejects unknown fields and malformed bodies with 400', async () => {
      await post('/v1/crypto/data-keys', enc, { keyAlias: 'pii', extra: 1 }).expect(400);
      await post('/v1/crypto/data-keys', enc, { keyAlias: 'bad alias!' }).expect(400);
      await post('/v1/crypto/data-keys', enc, { context: { a: 1 } }).expect(400);
      await post('/v1/crypto/data-keys/unwrap', dec, {}).expect(400);
      await post('/v1/crypto/data-keys/unwrap', dec, { wrappedKey: 5 }).expect(400);
      await post('/v1/crypto/data-keys/unwrap', dec, { wrappedKey: 'x', fields: {} }).expect(400);
    });

    it('audits the alias and a count, never the key or its wrapped form', async () => {
      const requestId = randomUUID();
      const res = await post('/v1/crypto/data-keys', enc, { keyAlias: health })
        .set('X-Request-Id', requestId)
        .expect(200);
      const { plaintextKey, wrappedKey } = res.body as { plaintextKey: string; wrappedKey: string };
      const unwrapId = randomUUID();
      await post('/v1/crypto/data-keys/unwrap', dec, { wrappedKey })
        .set('X-Request-Id', unwrapId)
        .expect(200);
      const events = await db().query<
        Array<{ action: string; target_id: string; details: { count: number } }>
      >(
        'SELECT action, target_id, details FROM audit_events WHERE request_id = ANY($1) ORDER BY occurred_at',
        [[requestId, unwrapId]],
      );
      expect(events.map((e) => [e.action, e.target_id, e.details.count])).toEqual([
        ['crypto.data-key.generate', health, 1],
        ['crypto.data-key.unwrap', health, 1],
      ]);
      for (const needle of [
        plaintextKey,
        wrappedKey,
        Buffer.from(plaintextKey, 'base64').toString('hex'),
      ]) {
        const leaks = await db().query<unknown[]>(
          'SELECT 1 FROM audit_events WHERE details::text LIKE $1',
          [`%${needle}%`],
        );
        expect(leaks).toHaveLength(0);
      }
    });
  });

  describe('API keys limited to key aliases', () => {
    it('shows the aliases on creation and in the listing; unrestricted keys show null', async () => {
      const created = await request(t.http)
        .post('/v1/admin/api-keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'billing-backend', scopes: ['crypto:encrypt'], keyAliases: [billing] })
        .expect(201);
      expect(created.body).toMatchObject({ keyAliases: [billing] });
      const list = await request(t.http)
        .get('/v1/admin/api-keys')
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      const items = (list.body as { items: Array<{ id: string; keyAliases: unknown }> }).items;
      expect(items.find((k) => k.id === (created.body as { id: string }).id)?.keyAliases).toEqual([
        billing,
      ]);
      expect(items.some((k) => k.keyAliases === null)).toBe(true);
    });

    it('refuses aliases that do not exist with 422 and malformed lists with 400', async () => {
      const create = (keyAliases: unknown): request.Test =>
        request(t.http)
          .post('/v1/admin/api-keys')
          .set('Authorization', `Bearer ${admin}`)
          .send({ name: 'x', scopes: ['crypto:encrypt'], keyAliases });
      const unknown = await create([billing, 'no-such-alias']).expect(422);
      expect(unknown.headers['content-type']).toContain('application/problem+json');
      await create([]).expect(400);
      await create('billing').expect(400);
      await create(['bad alias!']).expect(400);
      await create([billing, billing]).expect(400);
    });

    it('lets the key use its own alias and answers 403 on any other, for every operation', async () => {
      const own = await encrypt({ keyAlias: billing, fields: { a: 'x' } }, billingOnly);
      const foreign = await encrypt({ keyAlias: health, fields: { a: 'x' } });
      const denied = await post('/v1/crypto/encrypt', billingOnly, {
        keyAlias: health,
        fields: { a: 'x' },
      }).expect(403);
      expect(denied.headers['content-type']).toContain('application/problem+json');
      await post('/v1/crypto/encrypt', billingOnly, { fields: { a: 'x' } }).expect(403);
      await post('/v1/crypto/decrypt', billingOnly, { fields: own }).expect(200);
      await post('/v1/crypto/decrypt', billingOnly, { fields: foreign }).expect(403);
      await post('/v1/crypto/decrypt', billingOnly, { fields: { ...own, b: foreign.a } }).expect(
        403,
      );
      await post('/v1/crypto/rewrap', billingOnly, { fields: own }).expect(200);
      await post('/v1/crypto/rewrap', billingOnly, { fields: foreign }).expect(403);
      await post('/v1/crypto/blind-index', billingOnly, { field: 'email', value: 'x' }).expect(403);
      const mine = (
        await post('/v1/crypto/data-keys', billingOnly, { keyAlias: billing }).expect(200)
      ).body as { wrappedKey: string };
      await post('/v1/crypto/data-keys', billingOnly, {}).expect(403);
      await post('/v1/crypto/data-keys', billingOnly, { keyAlias: health }).expect(403);
      const theirs = (await post('/v1/crypto/data-keys', enc, { keyAlias: health }).expect(200))
        .body as { wrappedKey: string };
      await post('/v1/crypto/data-keys/unwrap', billingOnly, {
        wrappedKey: mine.wrappedKey,
      }).expect(200);
      await post('/v1/crypto/data-keys/unwrap', billingOnly, {
        wrappedKey: theirs.wrappedKey,
      }).expect(403);
    });

    it("answers 403 when a subject's existing key lives under another alias", async () => {
      const subjectId = `subject-${randomUUID()}`;
      await encrypt({ keyAlias: health, subjectId, fields: { a: 'x' } });
      const refused = await post('/v1/crypto/encrypt', billingOnly, {
        keyAlias: billing,
        subjectId,
        fields: { a: 'y' },
      }).expect(403);
      expect(refused.body).not.toHaveProperty('fields');
    });

    it('audits a refusal as denied, naming the alias', async () => {
      const requestId = randomUUID();
      await post('/v1/crypto/data-keys', billingOnly, { keyAlias: health })
        .set('X-Request-Id', requestId)
        .expect(403);
      const events = await db().query<
        Array<{ action: string; outcome: string; target_id: string }>
      >('SELECT action, outcome, target_id FROM audit_events WHERE request_id = $1', [requestId]);
      expect(events).toEqual([
        { action: 'crypto.data-key.generate', outcome: 'denied', target_id: health },
      ]);
    });
  });

  it('documents the new endpoints in OpenAPI with examples and their access rule', async () => {
    const doc = await request(t.http).get('/docs-json').expect(200);
    const body = doc.body as {
      paths: Record<string, { post: { security?: unknown[]; responses: object } }>;
      components: {
        schemas: Record<string, { properties: Record<string, { example?: unknown }> }>;
      };
    };
    for (const path of [
      '/v1/crypto/rewrap',
      '/v1/crypto/data-keys',
      '/v1/crypto/data-keys/unwrap',
    ]) {
      expect(body.paths[path].post.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(body.paths[path].post.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '422']),
      );
    }
    const schemas = body.components.schemas;
    expect(schemas.RewrapRequestDto.properties.fields.example).toBeDefined();
    expect(schemas.GenerateDataKeyRequestDto.properties.bytes.example).toBe(32);
    expect(schemas.GeneratedDataKeyDto.properties.wrappedKey.example).toBeDefined();
    expect(schemas.CreateApiKeyDto.properties.keyAliases.example).toEqual(['billing']);
    expect(schemas.ApiKeyDto.properties.keyAliases).toBeDefined();
  });
});
