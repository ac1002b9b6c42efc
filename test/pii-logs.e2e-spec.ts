import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { ownDatabase } from './support/own-database';
import { exitOf, freePort, spawnEntry, waitForHttp } from './support/spawn-service';
import { BOOTSTRAP_ADMIN } from './support/test-app';

/**
 * Runs the real entry point at LOG_LEVEL=debug, feeds personal data and secrets through every
 * way a request can carry them, and scans everything the process wrote to stdout and stderr.
 */
describe('PII kept out of logs (real process, debug level)', () => {
  /**
   * Letters only: the request ids below carry it, and an id whose hex held a run of digits (as in
   * `b2573449`) was taken by the log redactor for a phone number and replaced, as designed.
   */
  const run = Array.from(randomBytes(8), (b) => String.fromCharCode(97 + (b % 26))).join('');
  /** The shape of a signed export link token: `<requestId>.<expiry>.<hmac>`. */
  const exportToken = `${randomUUID()}.${Math.floor(Date.now() / 1000) + 600}.${randomBytes(32).toString('hex')}`;
  const pii = {
    email: `jane.pii-${run}@example.com`,
    cardSpaced: '4111 1111 1111 1111',
    card: '4111111111111111',
    ssn: '536-22-8726',
    iban: 'DE89 3704 0044 0532 0130 00',
    phone: '+44 20 7946 0958',
    password: `Hunter2-pw-${run}-Secret!`,
    bearer: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwaWktJHtydW59In0.${randomBytes(24).toString('base64url')}`,
    cookie: `sid-${randomBytes(18).toString('base64url')}`,
    // A rectification's new value: nothing a recognizer would find, so only its absence protects it.
    correction: `Zoë-Ñúñez-${run}`,
    // A product's own customer id: personal, but no recognizer can tell it apart from any word.
    subjectId: `customer-${randomBytes(6)
      .toString('hex')
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)])}`,
  };
  /** Every spelling of a value that must not appear: as sent, compact, and percent-encoded. */
  const forbidden = (): string[] => {
    const values = [
      ...Object.values(pii),
      apiKey,
      otherApiKey,
      requestsKey,
      exportToken,
      ...dataKeySecrets,
    ].filter((v) => v.length > 0);
    const spellings = values.flatMap((v) => [
      v,
      v.replace(/[\s-]/g, ''),
      encodeURIComponent(v),
      JSON.stringify(v).slice(1, -1),
    ]);
    return [...new Set([...spellings, pii.card, '442079460958', '536228726'])];
  };

  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let child: ChildProcess;
  let base = '';
  let output = '';
  let apiKey = '';
  let otherApiKey = '';
  let requestsKey = '';
  let token = '';
  /** Data keys (base64 and hex), their wrapped forms and a crypto API key seen in responses. */
  const dataKeySecrets: string[] = [];
  /** Request ids sent with innocuous values; each must show up in the log. */
  const sentIds: string[] = [];

  let counter = 0;
  const call = async (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    logged = true,
  ): Promise<Response> => {
    const id = `pii-logs-${run}-${counter++}`;
    if (logged) {
      sentIds.push(id);
    }
    return fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'x-request-id': id, 'content-type': 'application/json', ...init.headers },
      body: init.body,
    });
  };
  const asAdmin = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    own = await ownDatabase('pii_logs');
    child = spawnEntry('main', { ...own.env, PORT: String(port), LOG_LEVEL: 'debug' });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitForHttp(`${base}/health/ready`);
    } catch (e) {
      child.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n${output.slice(-4000)}`);
    }
    const login = await call('/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify(BOOTSTRAP_ADMIN),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { accessToken: string }).accessToken;
    const keys = await Promise.all(
      [['dlp:scan'], ['consent:read'], ['requests:write', 'requests:read']].map(async (scopes) => {
        const res = await call('/v1/admin/api-keys', {
          method: 'POST',
          headers: asAdmin(),
          body: JSON.stringify({ name: `pii-logs-${run}-${scopes[0]}`, scopes }),
        });
        expect(res.status).toBe(201);
        return ((await res.json()) as { key: string }).key;
      }),
    );
    [apiKey, otherApiKey, requestsKey] = keys;
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exitOf(child, 10_000).catch(() => null);
    }
    await own?.drop();
  });

  it('request bodies: valid, with unknown PII fields, and malformed JSON', async () => {
    const created = await call('/v1/admin/users', {
      method: 'POST',
      headers: asAdmin(),
      body: JSON.stringify({ email: pii.email, password: pii.password, roles: ['auditor'] }),
    });
    expect(created.status).toBe(201);
    const invalid = await call('/v1/admin/users', {
      method: 'POST',
      headers: asAdmin(),
      body: JSON.stringify({
        email: `not-an-email ${pii.email}`,
        password: pii.password,
        roles: ['king'],
        ssn: pii.ssn,
        card: pii.cardSpaced,
        note: `call ${pii.phone}\n${pii.card}\t${pii.iban}`,
      }),
    });
    expect(invalid.status).toBe(400);
    // Body-parser errors are answered by Express before the request logger runs: no line at all.
    const malformed = await call(
      '/v1/admin/users',
      {
        method: 'POST',
        headers: asAdmin(),
        body: `{"email":"${pii.email}","card":${pii.card}, "ssn": "${pii.ssn}`,
      },
      false,
    );
    expect(malformed.status).toBe(400);
  });

  it('query strings and unknown routes carrying PII', async () => {
    const actorOnly = await call(`/v1/audit/events?actor=${encodeURIComponent(pii.email)}`, {
      headers: asAdmin(),
    });
    expect(actorOnly.status).toBe(200);
    const q = new URLSearchParams({ actor: pii.email, target: pii.ssn, note: pii.cardSpaced });
    expect((await call(`/v1/audit/events?${q.toString()}`, { headers: asAdmin() })).status).toBe(
      400,
    );
    for (const value of [pii.email, pii.phone, pii.ssn, pii.cardSpaced, pii.card, pii.iban]) {
      const res = await call(`/v1/users/${encodeURIComponent(value)}/profile?email=${pii.email}`);
      expect(res.status).toBe(404);
    }
    expect((await call(`/v1/users/${pii.email}`)).status).toBe(404);
  });

  it('credentials and identifiers in headers', async () => {
    const headers = {
      authorization: `Bearer ${pii.bearer}`,
      cookie: `session=${pii.cookie}; email=${pii.email}`,
      'x-api-key': apiKey,
      'x-forwarded-for': '203.0.113.9',
    };
    expect((await call('/v1/auth/whoami', { headers })).status).toBe(401);
    expect(
      (await call('/v1/auth/whoami', { headers: { authorization: `Bearer ${otherApiKey}` } }))
        .status,
    ).toBe(200);
    // Request ids carrying personal data are replaced, not echoed or logged.
    for (const id of [pii.email, pii.ssn, pii.card, `req-${pii.card}`]) {
      const res = await fetch(`${base}/health/ready`, { headers: { 'x-request-id': id } });
      expect(res.status).toBe(200);
      const echoed = res.headers.get('x-request-id') ?? '';
      expect({ id, echoed: echoed.includes(id) }).toEqual({ id, echoed: false });
    }
  });

  it('subject identifiers in the path of a known route', async () => {
    const res = await call(`/v1/subjects/${pii.subjectId}/consents`, {
      headers: { authorization: `Bearer ${otherApiKey}` },
    });
    expect(res.status).toBe(200);
  });

  it('tokens and keys in URL paths', async () => {
    expect((await call(`/v1/public/exports/${exportToken}`)).status).toBe(404);
    expect((await call(`/v1/unknown/${otherApiKey}`)).status).toBe(404);
  });

  it('login failures', async () => {
    for (const email of [pii.email, `nobody-${run}@example.com`]) {
      const res = await call('/v1/auth/login', {
        method: 'POST',
        body: JSON.stringify({ email, password: pii.password.split('').reverse().join('') }),
      });
      expect(res.status).toBe(401);
    }
    const bad = await call('/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: pii.phone, password: pii.password }),
    });
    expect(bad.status).toBe(400);
  });

  it('data keys, their unwrapping and rewrap of a field', async () => {
    const created = await call('/v1/admin/api-keys', {
      method: 'POST',
      headers: asAdmin(),
      body: JSON.stringify({
        name: `pii-logs-${run}-crypto`,
        scopes: ['crypto:encrypt', 'crypto:decrypt'],
      }),
    });
    expect(created.status).toBe(201);
    const cryptoKey = ((await created.json()) as { key: string }).key;
    dataKeySecrets.push(cryptoKey);
    const auth = { authorization: `Bearer ${cryptoKey}` };
    const context = { object: pii.subjectId };
    const generated = await call('/v1/crypto/data-keys', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ context }),
    });
    expect(generated.status).toBe(200);
    const { plaintextKey, wrappedKey } = (await generated.json()) as {
      plaintextKey: string;
      wrappedKey: string;
    };
    dataKeySecrets.push(
      plaintextKey,
      Buffer.from(plaintextKey, 'base64').toString('hex'),
      Buffer.from(plaintextKey, 'base64').toString('base64url'),
      wrappedKey,
    );
    const unwrapped = await call('/v1/crypto/data-keys/unwrap', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ wrappedKey, context }),
    });
    expect(unwrapped.status).toBe(200);
    const refused = await call('/v1/crypto/data-keys/unwrap', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ wrappedKey, context: { object: pii.correction } }),
    });
    expect(refused.status).toBe(422);
    const sealed = await call('/v1/crypto/encrypt', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ fields: { name: pii.correction } }),
    });
    const { fields } = (await sealed.json()) as { fields: { name: string } };
    dataKeySecrets.push(fields.name);
    const rewrapped = await call('/v1/crypto/rewrap', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ fields }),
    });
    expect(rewrapped.status).toBe(200);
    dataKeySecrets.push(((await rewrapped.json()) as { fields: { name: string } }).fields.name);
  });

  it('HMAC, signatures and their verification over personal data', async () => {
    const created = await call('/v1/admin/api-keys', {
      method: 'POST',
      headers: asAdmin(),
      body: JSON.stringify({
        name: `pii-logs-${run}-managed`,
        scopes: ['crypto:encrypt', 'crypto:decrypt'],
      }),
    });
    const managedKey = ((await created.json()) as { key: string }).key;
    dataKeySecrets.push(managedKey);
    const auth = { authorization: `Bearer ${managedKey}` };
    for (const [alias, type] of [
      [`pii-logs-${run}-hmac`, 'hmac-sha256'],
      [`pii-logs-${run}-sig`, 'ecdsa-p256'],
    ]) {
      const made = await call('/v1/keys', {
        method: 'POST',
        headers: asAdmin(),
        body: JSON.stringify({ alias, provider: 'local', type }),
      });
      expect(made.status).toBe(201);
    }
    const mac = await call('/v1/crypto/hmac', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ keyAlias: `pii-logs-${run}-hmac`, data: pii.subjectId }),
    });
    expect(mac.status).toBe(200);
    const { hmac } = (await mac.json()) as { hmac: string };
    dataKeySecrets.push(hmac);
    const checked = await call('/v1/crypto/hmac/verify', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ data: pii.correction, hmac }),
    });
    expect(await checked.json()).toEqual({ valid: false });
    const signed = await call('/v1/crypto/sign', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ keyAlias: `pii-logs-${run}-sig`, data: pii.subjectId }),
    });
    const { signature } = (await signed.json()) as { signature: string };
    dataKeySecrets.push(signature);
    const verified = await call('/v1/crypto/verify', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ keyAlias: `pii-logs-${run}-sig`, data: pii.subjectId, signature }),
    });
    expect(await verified.json()).toEqual({ valid: true });
  });

  it('the DLP endpoints with personal data in text and JSON', async () => {
    const text = `Dear Jane, mail ${pii.email}, card\n${pii.cardSpaced}, ssn ${pii.ssn}, iban ${pii.iban}, phone ${pii.phone}`;
    const headers = { authorization: `Bearer ${apiKey}` };
    const scan = await call('/v1/dlp/scan', {
      method: 'POST',
      headers,
      body: JSON.stringify({ text }),
    });
    expect(scan.status).toBe(200);
    const redact = await call('/v1/dlp/redact', {
      method: 'POST',
      headers,
      body: JSON.stringify({ json: { user: { email: pii.email, card: pii.card, note: text } } }),
    });
    expect(redact.status).toBe(200);
    const unknownEntity = await call('/v1/dlp/scan', {
      method: 'POST',
      headers,
      body: JSON.stringify({ text, entities: [pii.email] }),
    });
    expect(unknownEntity.status).toBe(400);
  });

  it('privacy requests, public and by API, through the background workflow', async () => {
    const filed = await call('/v1/public/privacy-requests', {
      method: 'POST',
      body: JSON.stringify({ type: 'access', email: pii.email }),
    });
    expect(filed.status).toBe(202);
    const byApi = await call('/v1/privacy-requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${requestsKey}` },
      body: JSON.stringify({ type: 'erasure', subject: { email: pii.email, phone: pii.phone } }),
    });
    expect(byApi.status).toBe(201);
    // Accepted where a store describes the field, refused (422) where none does: never logged.
    const rectification = await call('/v1/privacy-requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${requestsKey}` },
      body: JSON.stringify({
        type: 'rectification',
        subject: { email: pii.email },
        corrections: [{ field: 'name', value: pii.correction }],
      }),
    });
    expect([201, 422]).toContain(rectification.status);
    const { id } = (await byApi.json()) as { id: string };
    let status = '';
    // Other suites' stores share this database, and unreachable ones retry with backoff.
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !['completed', 'failed', 'rejected'].includes(status)) {
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`${base}/v1/privacy-requests/${id}`, {
        headers: { authorization: `Bearer ${requestsKey}` },
      });
      status = ((await res.json()) as { status: string }).status;
    }
    expect(['completed', 'failed']).toContain(status);
  }, 120_000);

  it('writes debug logs for every request, and none of the values', async () => {
    child.kill('SIGTERM');
    expect(await exitOf(child, 20_000)).toBe(0);

    expect(output.length).toBeGreaterThan(1000);
    expect(sentIds.length).toBeGreaterThan(20);
    const missing = sentIds.filter((id) => !output.includes(`"${id}"`));
    expect(missing).toEqual([]);
    // The PII did reach the logger: the unknown-route lines were redacted, not left out.
    const unknownRoute = output.split('\n').filter((l) => l.includes('/v1/users/'));
    expect(unknownRoute.length).toBeGreaterThanOrEqual(6);
    expect(unknownRoute.filter((l) => !l.includes('[REDACTED'))).toEqual([]);

    const leaks = forbidden()
      .filter((v) => output.includes(v))
      .map((v) => {
        const at = output.indexOf(v);
        return { value: v, line: output.slice(output.lastIndexOf('\n', at) + 1, at + v.length) };
      });
    expect(leaks).toEqual([]);
  });
});
