import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

const TOKEN = 'metrics-scrape-token-Zoë-0123456789';

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN: TOKEN, WORKERS: 'false' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the bearer of the token with Prometheus text', async () => {
    const res = await request(t.http)
      .get('/metrics')
      .set('Authorization', `Bearer ${TOKEN}`)
      .expect(200);
    expect(res.text).toContain('http_request_duration_seconds');
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong token', 'Bearer metrics-scrape-token-Zoë-0123456780'],
    ['the token without its scheme', TOKEN],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
  ])('refuses %s with a 401 problem that does not echo it', async (_, authorization) => {
    const call = request(t.http).get('/metrics');
    const res = await (authorization ? call.set('Authorization', authorization) : call).expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.text).not.toContain('metrics-scrape-token');
    expect(res.text).not.toContain('http_request_duration_seconds');
  });
});
