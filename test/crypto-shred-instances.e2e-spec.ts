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
});
