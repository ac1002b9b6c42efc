import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CRYPTO_REWRAP_QUEUE, CryptoRewrapJob } from 'src/crypto/keys/key-rotation.jobs';
import { createApiKey, createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface Detail {
  type: string;
  activeVersion: number;
  minDecryptionVersion: number;
  autoRotatePeriod: string | null;
  versions: Array<{
    version: number;
    status: string;
    decryptable: boolean;
    disabledAt: string | null;
  }>;
  rotation: { status: string; toVersion: number } | null;
}

describe('Keyring settings: disabled versions, minimum decryption version, automatic rotation', () => {
  let t: TestApp;
  let admin: string;
  let enc: string;
  let dec: string;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminToken(t.http);
    enc = (await createApiKey(t.http, admin, ['crypto:encrypt'])).key;
    dec = (await createApiKey(t.http, admin, ['crypto:decrypt'])).key;
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) =>
      request(t.http).patch(path).set('Authorization', `Bearer ${token}`).send(body),
  });

  async function keyring(): Promise<string> {
    const alias = `ks-${randomUUID().slice(0, 8)}`;
    await as(admin).post('/v1/keys', { alias, provider: 'local' }).expect(201);
    return alias;
  }

  async function encrypt(body: object): Promise<Record<string, string>> {
    const res = await as(enc).post('/v1/crypto/encrypt', body).expect(200);
    return (res.body as { fields: Record<string, string> }).fields;
  }

  it('refuses ciphertexts under a disabled version with 422 naming the version, and reads them again once enabled', async () => {
    const alias = await keyring();
    const old = await encrypt({ keyAlias: alias, fields: { name: 'Ægir Þórsson' } });
    const subject = await encrypt({
      keyAlias: alias,
      subjectId: `s-${randomUUID()}`,
      fields: { n: 'ü' },
    });
    await as(dec).post('/v1/crypto/decrypt', { fields: old }).expect(200); // warm the caches
    await as(dec).post('/v1/crypto/decrypt', { fields: subject }).expect(200);
    await as(admin).post(`/v1/keys/${alias}/rotate`).expect(201);
    // the background re-wrap would move the subject key to v2; disable before it could matter
    const disabled = await as(admin).post(`/v1/keys/${alias}/versions/1/disable`).expect(200);
    expect((disabled.body as Detail).versions[0]).toMatchObject({
      version: 1,
      status: 'disabled',
      decryptable: false,
      disabledAt: expect.any(String),
    });
    const refused = await as(dec).post('/v1/crypto/decrypt', { fields: old }).expect(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: '/problems/key-version-disabled',
      detail: `key version 1 of ${alias} is disabled.`,
    });
    expect(JSON.stringify(refused.body)).not.toContain('Ægir');
    await as(admin).post(`/v1/keys/${alias}/versions/1/enable`).expect(200);
    await as(dec)
      .post('/v1/crypto/decrypt', { fields: old })
      .expect(200, {
        fields: { name: 'Ægir Þórsson' },
      });
    const audit = await db.query<Array<{ action: string; details: { version: number } }>>(
      `SELECT action, details FROM audit_events WHERE target_id = $1 AND action LIKE 'crypto.key.version.%' ORDER BY seq`,
      [alias],
    );
    expect(audit).toEqual([
      { action: 'crypto.key.version.disable', details: { version: 1 } },
      { action: 'crypto.key.version.enable', details: { version: 1 } },
    ]);
  });

  it('refuses a subject-key ciphertext whose subject key is still wrapped under a disabled version', async () => {
    const alias = await keyring();
    const sealed = await encrypt({
      keyAlias: alias,
      subjectId: `s-${randomUUID()}`,
      fields: { a: 'x' },
    });
    await as(dec).post('/v1/crypto/decrypt', { fields: sealed }).expect(200);
    // Rotate by hand (no re-wrap job) so the subject key stays under version 1.
    await db.query(
      `INSERT INTO keyring_keys (alias, version, root_key_id, wrapped_key, created_at)
       SELECT alias, 2, root_key_id, wrapped_key, now() FROM keyring_keys WHERE alias = $1 AND version = 1`,
      [alias],
    );
    await as(admin).post(`/v1/keys/${alias}/versions/1/disable`).expect(200);
    const res = await as(dec).post('/v1/crypto/decrypt', { fields: sealed }).expect(422);
    expect((res.body as { detail: string }).detail).toBe(`key version 1 of ${alias} is disabled.`);
  });

  it('answers 409 for the active version, 404 for unknown aliases and versions, 400 for a bad version', async () => {
    const alias = await keyring();
    const active = await as(admin).post(`/v1/keys/${alias}/versions/1/disable`).expect(409);
    expect((active.body as { type: string }).type).toBe('/problems/key-version-active');
    await as(admin).post(`/v1/keys/${alias}/versions/2/disable`).expect(404);
    await as(admin).post(`/v1/keys/no-such-${alias}/versions/1/disable`).expect(404);
    await as(admin).post(`/v1/keys/${alias}/versions/0/disable`).expect(400);
    await as(admin).post(`/v1/keys/${alias}/versions/one/enable`).expect(400);
  });

  it('sets a minimum decryption version: lower versions answer 422, the minimum cannot exceed the active version', async () => {
    const alias = await keyring();
    const v1 = await encrypt({ keyAlias: alias, fields: { a: 'one' } });
    await as(dec).post('/v1/crypto/decrypt', { fields: v1 }).expect(200);
    const tooHigh = await as(admin)
      .patch(`/v1/keys/${alias}`, { minDecryptionVersion: 2 })
      .expect(422);
    expect((tooHigh.body as { type: string }).type).toBe('/problems/key-settings-rejected');
    await as(admin).post(`/v1/keys/${alias}/rotate`).expect(201);
    const v2 = await encrypt({ keyAlias: alias, fields: { a: 'two' } });
    const res = await as(admin).patch(`/v1/keys/${alias}`, { minDecryptionVersion: 2 }).expect(200);
    const detail = res.body as Detail;
    expect(detail.minDecryptionVersion).toBe(2);
    expect(detail.versions.map((v) => [v.version, v.status, v.decryptable])).toEqual([
      [1, 'retired', false],
      [2, 'active', true],
    ]);
    const refused = await as(dec).post('/v1/crypto/decrypt', { fields: v1 }).expect(422);
    expect((refused.body as { detail: string }).detail).toBe(
      `key version 1 of ${alias} is below its minimum decryption version 2.`,
    );
    await as(dec)
      .post('/v1/crypto/decrypt', { fields: v2 })
      .expect(200, { fields: { a: 'two' } });
    const audit = await db.query<Array<{ details: unknown }>>(
      `SELECT details FROM audit_events WHERE target_id = $1 AND action = 'crypto.key.settings'`,
      [alias],
    );
    expect(audit).toEqual([
      {
        details: {
          before: { minDecryptionVersion: 1, autoRotatePeriodSeconds: null },
          after: { minDecryptionVersion: 2, autoRotatePeriodSeconds: null },
        },
      },
    ]);
  });

  it('validates settings: 400 for bad periods, empty bodies and non-integers; null turns rotation off', async () => {
    const alias = await keyring();
    for (const body of [
      { autoRotatePeriod: '59m' },
      { autoRotatePeriod: '1w' },
      { autoRotatePeriod: 90 },
      { minDecryptionVersion: 0 },
      { minDecryptionVersion: 1.5 },
      {},
    ]) {
      const res = await as(admin).patch(`/v1/keys/${alias}`, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const on = await as(admin).patch(`/v1/keys/${alias}`, { autoRotatePeriod: '24h' }).expect(200);
    expect((on.body as Detail).autoRotatePeriod).toBe('1d');
    const off = await as(admin).patch(`/v1/keys/${alias}`, { autoRotatePeriod: null }).expect(200);
    expect((off.body as Detail).autoRotatePeriod).toBeNull();
    await as(admin).patch('/v1/keys/no-such-alias-x', { autoRotatePeriod: '1d' }).expect(404);
  });

  it('lets only admins change settings and versions; auditors read them', async () => {
    const alias = await keyring();
    const auditor = await createUser(t.http, admin, ['auditor']);
    const dpo = await createUser(t.http, admin, ['dpo']);
    await as(dpo.token).patch(`/v1/keys/${alias}`, { autoRotatePeriod: '1d' }).expect(403);
    await as(auditor.token).post(`/v1/keys/${alias}/versions/1/disable`).expect(403);
    await as(enc).post(`/v1/keys/${alias}/versions/1/enable`).expect(403);
    await request(t.http).patch(`/v1/keys/${alias}`).send({ autoRotatePeriod: '1d' }).expect(401);
    const read = await as(auditor.token).get(`/v1/keys/${alias}`).expect(200);
    expect(read.body).toMatchObject({
      type: 'aes256-gcm',
      minDecryptionVersion: 1,
      autoRotatePeriod: null,
    });
  });

  it('rotates a keyring whose period has passed when the scheduled job runs, and re-wraps its subject keys', async () => {
    const due = await keyring();
    const notDue = await keyring();
    await encrypt({ keyAlias: due, subjectId: `s-${randomUUID()}`, fields: { a: 'x' } });
    await as(admin).patch(`/v1/keys/${due}`, { autoRotatePeriod: '1h' }).expect(200);
    await as(admin).patch(`/v1/keys/${notDue}`, { autoRotatePeriod: '1h' }).expect(200);
    // The clock of the check is the database's now(): age the active version of one keyring.
    await db.query(
      `UPDATE keyring_keys SET created_at = now() - interval '61 minutes' WHERE alias = $1`,
      [due],
    );
    const queue = t.app.get<Queue>(getQueueToken(CRYPTO_REWRAP_QUEUE));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.name)).toContain(CryptoRewrapJob.AutoRotateKeyrings);
    await queue.add(CryptoRewrapJob.AutoRotateKeyrings, {});
    let detail: Detail | undefined;
    for (let i = 0; i < 100; i += 1) {
      detail = (await as(admin).get(`/v1/keys/${due}`).expect(200)).body as Detail;
      if (detail.rotation?.status === 'completed') {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail).toMatchObject({
      activeVersion: 2,
      rotation: { status: 'completed', toVersion: 2 },
    });
    const pending = await db.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM subject_keys WHERE alias = $1 AND keyring_version < 2`,
      [due],
    );
    expect(pending[0].n).toBe(0);
    expect(
      ((await as(admin).get(`/v1/keys/${notDue}`).expect(200)).body as Detail).activeVersion,
    ).toBe(1);
    const audit = await db.query<Array<{ actor_type: string; details: unknown }>>(
      `SELECT actor_type, details FROM audit_events WHERE target_id = $1 AND action = 'crypto.key.rotate'`,
      [due],
    );
    expect(audit).toEqual([
      { actor_type: 'system', details: { fromVersion: 1, toVersion: 2, automatic: true } },
    ]);
  });
});
