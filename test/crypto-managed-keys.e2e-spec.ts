import { createPublicKey, randomUUID, verify } from 'node:crypto';
import request from 'supertest';
import { createApiKey, createUser } from './support/factories';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface Jwks {
  keys: Array<{ kid: string; kty: string; crv: string; x: string; y?: string; alg: string }>;
}

describe('HMAC, signatures and public keys under managed keys', () => {
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

  const post = (path: string, token: string, body: object = {}): request.Test =>
    request(t.http).post(path).set('Authorization', `Bearer ${token}`).send(body);

  async function keyring(type?: string): Promise<string> {
    const alias = `mk-${randomUUID().slice(0, 8)}`;
    const res = await post('/v1/keys', admin, { alias, provider: 'local', type }).expect(201);
    expect((res.body as { type: string }).type).toBe(type ?? 'aes256-gcm');
    return alias;
  }

  it('HMACs text and base64 data deterministically, verifies, and detects tampering', async () => {
    const alias = await keyring('hmac-sha256');
    const text = await post('/v1/crypto/hmac', enc, {
      keyAlias: alias,
      data: 'Zoë Ødegaard',
    }).expect(200);
    const { hmac } = text.body as { hmac: string };
    expect(hmac).toMatch(new RegExp(`^hmac:v1:${alias}:1:[A-Za-z0-9_-]{43}$`));
    const b64 = await post('/v1/crypto/hmac', enc, {
      keyAlias: alias,
      data: Buffer.from('Zoë Ødegaard').toString('base64'),
      encoding: 'base64',
    }).expect(200);
    expect((b64.body as { hmac: string }).hmac).toBe(hmac);
    await post('/v1/crypto/hmac/verify', dec, { data: 'Zoë Ødegaard', hmac }).expect(200, {
      valid: true,
    });
    await post('/v1/crypto/hmac/verify', enc, {
      keyAlias: alias,
      data: 'Zoe Odegaard',
      hmac,
    }).expect(200, {
      valid: false,
    });
    const tampered = hmac.slice(0, -2) + (hmac.endsWith('AA') ? 'BB' : 'AA');
    await post('/v1/crypto/hmac/verify', dec, { data: 'Zoë Ødegaard', hmac: tampered }).expect(
      200,
      {
        valid: false,
      },
    );
    await post('/v1/crypto/hmac/verify', dec, { data: 'x', hmac: 'not-an-hmac' }).expect(422);
  });

  it('keeps HMACs and signatures verifiable after rotation, refuses them once their version is disabled', async () => {
    const macs = await keyring('hmac-sha256');
    const signer = await keyring('ecdsa-p256');
    const { hmac } = (await post('/v1/crypto/hmac', enc, { keyAlias: macs, data: 'd' }).expect(200))
      .body as { hmac: string };
    const { signature } = (
      await post('/v1/crypto/sign', enc, { keyAlias: signer, data: 'd' }).expect(200)
    ).body as { signature: string };
    for (const alias of [macs, signer]) {
      const rotated = await post(`/v1/keys/${alias}/rotate`, admin).expect(201);
      expect(rotated.body).toMatchObject({ activeVersion: 2 });
    }
    const after = (await post('/v1/crypto/hmac', enc, { keyAlias: macs, data: 'd' }).expect(200))
      .body as {
      hmac: string;
    };
    expect(after.hmac).toMatch(new RegExp(`^hmac:v1:${macs}:2:`));
    await post('/v1/crypto/hmac/verify', dec, { data: 'd', hmac }).expect(200, { valid: true });
    await post('/v1/crypto/verify', dec, { keyAlias: signer, data: 'd', signature }).expect(200, {
      valid: true,
    });
    await post(`/v1/keys/${signer}/versions/1/disable`, admin).expect(200);
    const refused = await post('/v1/crypto/verify', dec, {
      keyAlias: signer,
      data: 'd',
      signature,
    }).expect(422);
    expect((refused.body as { detail: string }).detail).toBe(
      `key version 1 of ${signer} is disabled.`,
    );
    await post(`/v1/keys/${macs}/versions/1/disable`, admin).expect(200);
    await post('/v1/crypto/hmac/verify', dec, { data: 'd', hmac }).expect(422);
  });

  it.each([
    ['ecdsa-p256', 'ES256', 'EC', 'sha256'],
    ['ed25519', 'EdDSA', 'OKP', null],
  ])(
    'signs with %s (%s); a third party verifies with the public JWKS without credentials',
    async (type, alg, kty, digest) => {
      const alias = await keyring(type);
      const data = Buffer.from([0, 255, 1, 254]);
      const res = await post('/v1/crypto/sign', enc, {
        keyAlias: alias,
        data: data.toString('base64'),
        encoding: 'base64',
        algorithm: alg,
      }).expect(200);
      const { signature } = res.body as { signature: string };
      const [, , signedAlias, version, value] = signature.split(':');
      await post(`/v1/keys/${alias}/rotate`, admin).expect(201);
      const jwks = await request(t.http).get(`/v1/keys/${alias}/public-keys`).expect(200);
      expect(jwks.headers['cache-control']).toBe('public, max-age=60');
      const keys = (jwks.body as Jwks).keys;
      expect(keys.map((k) => k.kid)).toEqual([`${alias}:1`, `${alias}:2`]);
      expect(JSON.stringify(keys)).not.toMatch(/"d"/);
      const jwk = keys.find((k) => k.kid === `${signedAlias}:${version}`);
      expect(jwk).toMatchObject({ kty, alg });
      const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
      expect(
        verify(digest, data, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(value, 'base64url')),
      ).toBe(true);
      await post('/v1/crypto/verify', enc, {
        keyAlias: alias,
        data: Buffer.from([0, 255, 1, 255]).toString('base64'),
        encoding: 'base64',
        signature,
      }).expect(200, { valid: false });
    },
  );

  it('answers 422 for a key of the wrong type or an algorithm the key does not do', async () => {
    const aes = await keyring();
    const macs = await keyring('hmac-sha256');
    const es = await keyring('ecdsa-p256');
    const wrong = await post('/v1/crypto/hmac', enc, { keyAlias: aes, data: 'x' }).expect(422);
    expect(wrong.body).toMatchObject({
      type: '/problems/key-type-mismatch',
      detail: `key ${aes} has type aes256-gcm, this operation needs hmac-sha256.`,
    });
    await post('/v1/crypto/sign', enc, { keyAlias: macs, data: 'x' }).expect(422);
    await post('/v1/crypto/sign', enc, { keyAlias: es, data: 'x', algorithm: 'EdDSA' }).expect(422);
    const encrypted = await post('/v1/crypto/encrypt', enc, {
      keyAlias: macs,
      fields: { a: 'x' },
    }).expect(422);
    expect((encrypted.body as { type: string }).type).toBe('/problems/key-type-mismatch');
    await request(t.http).get(`/v1/keys/${aes}/public-keys`).expect(404);
    await request(t.http).get(`/v1/keys/${macs}/public-keys`).expect(404);
  });

  it('answers 400 for bad bodies, 404 for unknown keys, 413 for data over 64 KiB', async () => {
    const macs = await keyring('hmac-sha256');
    for (const body of [
      { data: 'x' },
      { keyAlias: macs },
      { keyAlias: macs, data: 5 },
      { keyAlias: 'bad alias', data: 'x' },
      { keyAlias: macs, data: 'x', encoding: 'hex' },
      { keyAlias: macs, data: 'not base64!', encoding: 'base64' },
    ]) {
      const res = await post('/v1/crypto/hmac', enc, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    await post('/v1/crypto/sign', enc, { keyAlias: 'es', data: 'x', algorithm: 'RS256' }).expect(
      400,
    );
    await post('/v1/crypto/hmac', enc, { keyAlias: `no-${macs}`, data: 'x' }).expect(404);
    await post('/v1/crypto/sign', enc, { keyAlias: `no-${macs}`, data: 'x' }).expect(404);
    await request(t.http).get(`/v1/keys/no-${macs}/public-keys`).expect(404);
    const big = Buffer.alloc(64 * 1024 + 1, 1).toString('base64');
    await post('/v1/crypto/hmac', enc, { keyAlias: macs, data: big, encoding: 'base64' }).expect(
      413,
    );
    await post('/v1/keys', admin, { alias: `t-${macs}`, provider: 'local', type: 'rsa' }).expect(
      400,
    );
  });

  it('requires the scopes: crypto:encrypt to make, crypto:encrypt or crypto:decrypt to verify', async () => {
    const macs = await keyring('hmac-sha256');
    const es = await keyring('ed25519');
    await post('/v1/crypto/hmac', dec, { keyAlias: macs, data: 'x' }).expect(403);
    await post('/v1/crypto/sign', dec, { keyAlias: es, data: 'x' }).expect(403);
    await post('/v1/crypto/hmac', other, { keyAlias: macs, data: 'x' }).expect(403);
    await post('/v1/crypto/verify', other, {
      keyAlias: es,
      data: 'x',
      signature: 'sig:v1:a:1:AA',
    }).expect(403);
    await post('/v1/crypto/hmac/verify', other, { data: 'x', hmac: 'hmac:v1:a:1:AA' }).expect(403);
    await request(t.http).post('/v1/crypto/sign').send({ keyAlias: es, data: 'x' }).expect(401);
    const dpo = await createUser(t.http, admin, ['dpo']);
    await post('/v1/keys', dpo.token, {
      alias: `d-${es}`,
      provider: 'local',
      type: 'ed25519',
    }).expect(403);
  });

  it('holds API keys limited to keyring aliases to them: 403 on other aliases, also for the alias an HMAC names', async () => {
    const mine = await keyring('hmac-sha256');
    const theirs = await keyring('hmac-sha256');
    const signer = await keyring('ed25519');
    const limited = (
      await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt'], {
        keyAliases: [mine],
      })
    ).key;
    const own = await post('/v1/crypto/hmac', limited, { keyAlias: mine, data: 'x' }).expect(200);
    await post('/v1/crypto/hmac/verify', limited, {
      data: 'x',
      hmac: (own.body as { hmac: string }).hmac,
    }).expect(200, { valid: true });
    const denied = await post('/v1/crypto/hmac', limited, { keyAlias: theirs, data: 'x' }).expect(
      403,
    );
    expect(denied.headers['content-type']).toContain('application/problem+json');
    const foreign = (
      await post('/v1/crypto/hmac', enc, { keyAlias: theirs, data: 'x' }).expect(200)
    ).body as { hmac: string };
    await post('/v1/crypto/hmac/verify', limited, { data: 'x', hmac: foreign.hmac }).expect(403);
    await post('/v1/crypto/sign', limited, { keyAlias: signer, data: 'x' }).expect(403);
    await post('/v1/crypto/verify', limited, {
      keyAlias: signer,
      data: 'x',
      signature: `sig:v1:${signer}:1:AAAA`,
    }).expect(403);
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = await request(t.http).get('/docs-json').expect(200);
    const paths = (doc.body as { paths: Record<string, Record<string, unknown>> }).paths;
    for (const path of [
      '/v1/crypto/hmac',
      '/v1/crypto/hmac/verify',
      '/v1/crypto/sign',
      '/v1/crypto/verify',
      '/v1/keys/{alias}/public-keys',
      '/v1/keys/{alias}/versions/{version}/disable',
      '/v1/keys/{alias}/versions/{version}/enable',
    ]) {
      expect(paths).toHaveProperty([path]);
    }
    expect(paths['/v1/keys/{alias}']).toHaveProperty('patch');
  });
});
