import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { Role, Scope } from 'src/common/access/caller';
import { login } from './test-app';

export const uniqueEmail = (label = 'user'): string =>
  `${label}-${randomUUID().slice(0, 8)}@example.test`;

export async function createUser(
  http: App,
  adminToken: string,
  roles: Role[],
): Promise<{ id: string; email: string; password: string; token: string }> {
  const email = uniqueEmail(roles.join('-'));
  const password = `pw-${randomUUID()}`;
  const res = await request(http)
    .post('/v1/admin/users')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ email, password, roles })
    .expect(201);
  const token = await login(http, email, password);
  return { id: (res.body as { id: string }).id, email, password, token };
}

export async function createApiKey(
  http: App,
  adminToken: string,
  scopes: Scope[],
  extra: { keyAliases?: string[] } = {},
): Promise<{ id: string; key: string }> {
  const res = await request(http)
    .post('/v1/admin/api-keys')
    .set('Authorization', `Bearer ${adminToken}`)
    .send({ name: `test-${randomUUID().slice(0, 8)}`, scopes, ...extra })
    .expect(201);
  return res.body as { id: string; key: string };
}

/** `POST /v1/crypto/decrypt` of one value under `context`, as the holder of API key `key`. */
export const publicDecrypt = (
  http: App,
  key: string,
  ciphertext: string,
  context: Record<string, string>,
): request.Test =>
  request(http)
    .post('/v1/crypto/decrypt')
    .set('Authorization', `Bearer ${key}`)
    .send({ context, fields: { value: ciphertext } });
