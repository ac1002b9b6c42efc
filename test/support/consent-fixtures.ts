import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';

/** A purpose key unique to this run, so tests sharing one database never collide. */
export const purposeKey = (label: string): string =>
  `${label}-${randomUUID().slice(0, 8)}`.toLowerCase();

export const subjectEmail = (label = 'subject'): string =>
  `${label}.${randomUUID().slice(0, 8)}@example.test`;

export async function createPurpose(
  http: App,
  token: string,
  body: { key: string; legalBasis: string; optOutCategory?: string; version?: number },
): Promise<{ key: string; version: number }> {
  const res = await request(http)
    .post('/v1/purposes')
    .set('Authorization', `Bearer ${token}`)
    .send({ name: `Purpose ${body.key}`, description: 'Used in tests.', ...body })
    .expect(201);
  return res.body as { key: string; version: number };
}

export async function recordConsent(
  http: App,
  key: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<request.Response> {
  const req = request(http).post('/v1/consents').set('Authorization', `Bearer ${key}`);
  for (const [name, value] of Object.entries(headers)) {
    req.set(name, value);
  }
  return req.send(body);
}

export async function check(
  http: App,
  key: string,
  subjectId: string,
  purpose: string,
): Promise<{ allowed: boolean; reason: string }> {
  const res = await request(http)
    .get('/v1/consents/check')
    .query({ subjectId, purpose })
    .set('Authorization', `Bearer ${key}`)
    .expect(200);
  return res.body as { allowed: boolean; reason: string };
}
