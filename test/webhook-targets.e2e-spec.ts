import request from 'supertest';
import { createApiKey } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

describe('webhook targets where private networks are not allowed', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_PRIVATE_NETWORKS: 'false' });
    admin = await adminToken(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a consent webhook or a completion webhook naming a private host with a 400 problem', async () => {
    const key = (await createApiKey(t.http, admin, ['requests:write'])).key;
    const cases = [
      request(t.http)
        .post('/v1/admin/webhooks')
        .set('Authorization', `Bearer ${admin}`)
        .send({ url: 'http://169.254.169.254/latest/meta-data' }),
      request(t.http)
        .post('/v1/privacy-requests')
        .set('Authorization', `Bearer ${key}`)
        .send({
          type: 'access',
          subject: { email: 'jane.doe@example.com' },
          webhookUrl: 'http://localhost:8080/hooks',
        }),
    ];
    const fields = ['url', 'webhookUrl'];
    for (const [i, pending] of cases.entries()) {
      const res = await pending;
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([
        {
          field: fields[i],
          message: `${fields[i]} must not point at a loopback, private or link-local address`,
        },
      ]);
      expect(JSON.stringify(res.body)).not.toMatch(/169\.254|localhost:8080|jane\.doe/);
    }
    const listed = await request(t.http)
      .get('/v1/admin/webhooks')
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('169.254');
  });

  it('accepts a public host', async () => {
    const created = await request(t.http)
      .post('/v1/admin/webhooks')
      .set('Authorization', `Bearer ${admin}`)
      .send({ url: 'https://crm.example.com/hooks/consent' })
      .expect(201);
    // The database is shared with other suites, whose consent changes would be sent here.
    await request(t.http)
      .delete(`/v1/admin/webhooks/${created.body.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(204);
  });

  it('documents the 400 in Swagger', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.paths['/v1/privacy-requests'].post.responses['400']).toBeDefined();
    expect(doc.paths['/v1/admin/webhooks'].post.responses['400']).toBeDefined();
    expect(doc.paths['/v1/admin/webhooks/{id}'].patch.responses['400']).toBeDefined();
  });
});
