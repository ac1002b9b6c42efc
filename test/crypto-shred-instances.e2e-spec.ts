import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('Crypto-shredding across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: string;
  let enc: string;
  let dec: string;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ WORKERS: 'false' });
    admin = await adminToken(a.http);
    enc = (await createApiKey(a.http, admin, ['crypto:encrypt'])).key;
    dec = (await createApiKey(a.http, admin, ['crypto:decrypt'])).key;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('makes a shred on one instance visible at once on another that holds the key cached', async () => {
    const subjectId = `subject-${randomUUID()}`;
    const sealed = await request(b.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${enc}`)
      .send({ subjectId, fields: { name: 'Jane Doe' } })
      .expect(200);
    const fields = (sealed.body as { fields: Record<string, string> }).fields;
    // Warms instance B's subject-key cache (kept up to 60 s by the library on its own).
    await request(b.http)
      .post('/v1/crypto/decrypt')
      .set('Authorization', `Bearer ${dec}`)
      .send({ fields })
      .expect(200);
    await request(a.http)
      .delete(`/v1/subjects/${subjectId}/keys`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);
    await request(b.http)
      .post('/v1/crypto/decrypt')
      .set('Authorization', `Bearer ${dec}`)
      .send({ fields })
      .expect(410);
    await request(b.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${enc}`)
      .send({ subjectId, fields: { name: 'again' } })
      .expect(410);
  });

  it('makes a disabled key version refused at once on another instance that holds its keys cached', async () => {
    const alias = `dis-${randomUUID().slice(0, 8)}`;
    const macs = `dis-h-${randomUUID().slice(0, 8)}`;
    const post = (app: TestApp, path: string, token: string, body: object = {}): request.Test =>
      request(app.http).post(path).set('Authorization', `Bearer ${token}`).send(body);
    await post(a, '/v1/keys', admin, { alias, provider: 'local' }).expect(201);
    await post(a, '/v1/keys', admin, {
      alias: macs,
      provider: 'local',
      type: 'hmac-sha256',
    }).expect(201);
    const sealed = (
      await post(b, '/v1/crypto/encrypt', enc, { keyAlias: alias, fields: { n: 'Zoë' } }).expect(
        200,
      )
    ).body as { fields: Record<string, string> };
    const { hmac } = (
      await post(b, '/v1/crypto/hmac', enc, { keyAlias: macs, data: 'd' }).expect(200)
    ).body as { hmac: string };
    await post(a, `/v1/keys/${alias}/rotate`, admin).expect(201);
    await post(a, `/v1/keys/${macs}/rotate`, admin).expect(201);
    // Warm instance B's keyring cache after the rotations, so only the disable can empty it.
    await post(b, '/v1/crypto/decrypt', dec, { fields: sealed.fields }).expect(200);
    await post(b, '/v1/crypto/hmac/verify', dec, { data: 'd', hmac }).expect(200, { valid: true });
    await post(a, `/v1/keys/${alias}/versions/1/disable`, admin).expect(200);
    await post(a, `/v1/keys/${macs}/versions/1/disable`, admin).expect(200);
    await post(b, '/v1/crypto/decrypt', dec, { fields: sealed.fields }).expect(422);
    await post(b, '/v1/crypto/hmac/verify', dec, { data: 'd', hmac }).expect(422);
  });
});
