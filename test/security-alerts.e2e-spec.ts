import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { verifyWebhook } from 'src/consent/webhooks/webhook-signature';
import { createApiKey, createUser, uniqueEmail } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface Alert {
  id: string;
  kind: string;
  severity: string;
  at: string;
  actor: { type: string; id: string | null };
  details: Record<string, unknown>;
}

const SECRET = 'alert-webhook-secret-for-the-e2e-test-0123456789';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('security alerts', () => {
  let t: TestApp;
  let db: Awaited<ReturnType<typeof ownDatabase>>;
  let admin: string;
  let hook: Server;
  const received: Array<{ body: string; signature: string }> = [];
  const mailDir = mkdtempSync(join(tmpdir(), 'alerts-mail-'));

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-webhook-signature']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    db = await ownDatabase('alerts');
    t = await createTestApp({
      ...db.env,
      // Workers on: access requests complete, so their packages can be downloaded.
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'alerts-exports-')),
      TRUST_PROXY: 'true',
      // Low spike thresholds: 20 fields decrypted by a new key, 3 downloads from one address.
      ALERT_DECRYPT_SPIKE_FIELDS: '1',
      ALERT_EXPORT_DOWNLOADS_PER_ADDRESS: '3',
      MAIL_DIR: mailDir,
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
      ALERT_WEBHOOK_SECRET: SECRET,
    });
    admin = await adminToken(t.http);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
    hook?.close();
  });

  const alerts = async (query: Record<string, string> = {}): Promise<Alert[]> =>
    (
      (
        await request(t.http)
          .get('/v1/admin/security/alerts')
          .query(query)
          .set('Authorization', `Bearer ${admin}`)
          .expect(200)
      ).body as { items: Alert[] }
    ).items;

  /** Detection runs in batches off the request path: wait for the alert to appear. */
  const eventually = async (
    find: (all: Alert[]) => Alert | undefined,
    query = {},
  ): Promise<Alert> => {
    for (let i = 0; i < 60; i += 1) {
      const found = find(await alerts(query));
      if (found) {
        return found;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('no such alert');
  };

  it('is for admins and auditors only', async () => {
    const dpo = await createUser(t.http, admin, ['dpo']);
    const auditor = await createUser(t.http, admin, ['auditor']);
    await request(t.http).get('/v1/admin/security/alerts').expect(401);
    const refused = await request(t.http)
      .get('/v1/admin/security/alerts')
      .set('Authorization', `Bearer ${dpo.token}`)
      .expect(403);
    expect((refused.body as { detail: string }).detail).toContain('admin or auditor');
    const ok = await request(t.http)
      .get('/v1/admin/security/alerts')
      .set('Authorization', `Bearer ${auditor.token}`)
      .expect(200);
    expect(ok.body).toEqual({ items: expect.any(Array), nextCursor: null });
  });

  it('raises login.failure_burst when one address fails against many accounts', async () => {
    for (let i = 0; i < 10; i += 1) {
      await request(t.http)
        .post('/v1/auth/login')
        .set('X-Forwarded-For', '192.0.2.77')
        .send({ email: uniqueEmail('stuffed'), password: 'Passw0rd!' })
        .expect(401);
    }
    const alert = await eventually((all) => all.find((a) => a.details.address === '192.0.2.0/24'), {
      kind: 'login.failure_burst',
    });
    expect(alert).toMatchObject({
      kind: 'login.failure_burst',
      severity: 'high',
      actor: { type: 'anonymous', id: null },
      details: { scope: 'accounts', accounts: 10 },
    });
    expect(JSON.stringify(alert)).not.toContain('@example.test');
  });

  it('raises login.new_device and mails the user when they log in from a new device', async () => {
    // Created without logging in, so the first device is the one below.
    const user = {
      email: uniqueEmail('devices'),
      password: `pw-${Date.now()}-long-enough`,
      id: '',
    };
    user.id = (
      (
        await request(t.http)
          .post('/v1/admin/users')
          .set('Authorization', `Bearer ${admin}`)
          .send({ email: user.email, password: user.password, roles: ['auditor'] })
          .expect(201)
      ).body as { id: string }
    ).id;
    const loginWith = (agent: string, from: string) =>
      request(t.http)
        .post('/v1/auth/login')
        .set('User-Agent', agent)
        .set('X-Forwarded-For', from)
        .send({ email: user.email, password: user.password })
        .expect(200);
    await loginWith(FIREFOX, '203.0.113.10');
    // The same browser family and network again, a newer version: a known device.
    await loginWith(FIREFOX.replace(/133/g, '134'), '203.0.113.99');
    await loginWith(CHROME, '198.51.100.20');
    const alert = await eventually((all) =>
      all.find((a) => a.kind === 'login.new_device' && a.actor.id === user.id),
    );
    expect(alert.details).toMatchObject({
      device: 'Chrome on Windows',
      address: '198.51.100.0/24',
    });
    const all = await alerts({ kind: 'login.new_device' });
    expect(all.filter((a) => a.actor.id === user.id)).toHaveLength(1);
    const mail = readdirSync(mailDir).find((f) => f.includes(alert.id));
    expect(mail).toBeDefined();
    const text = readFileSync(join(mailDir, mail as string), 'utf8');
    expect(text).toContain(`To: ${user.email}`);
    expect(text).toContain('Chrome on Windows');
  });

  it('raises admin.role_change when a user is given the admin role, as an audit event too', async () => {
    const user = await createUser(t.http, admin, ['auditor']);
    await request(t.http)
      .patch(`/v1/admin/users/${user.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ roles: ['admin'] })
      .expect(200);
    const alert = await eventually(
      (all) =>
        all.find((a) => a.details.userId === user.id && a.details.action === 'admin.user.update'),
      { kind: 'admin.role_change' },
    );
    expect(alert).toMatchObject({ severity: 'high', details: { roles: ['admin'] } });
    const audit = await request(t.http)
      .get('/v1/audit/events')
      .query({ action: 'security.alert' })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect((audit.body as { items: Array<{ id: string }> }).items.map((e) => e.id)).toContain(
      alert.id,
    );
  });

  it('POSTs each alert to ALERT_WEBHOOK_URL, signed, and counts it in /metrics', async () => {
    const { id } = await createApiKey(t.http, admin, ['crypto:decrypt']);
    const alert = await eventually((all) => all.find((a) => a.details.apiKeyId === id), {
      kind: 'admin.api_key_change',
    });
    let delivery: { body: string; signature: string } | undefined;
    for (let i = 0; i < 40 && !delivery; i += 1) {
      delivery = received.find((r) => r.body.includes(alert.id));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivery).toBeDefined();
    const { body, signature } = delivery as { body: string; signature: string };
    expect(verifyWebhook(SECRET, body, signature)).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ id: alert.id, kind: 'admin.api_key_change' });
    const metrics = await request(t.http).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /security_alerts_total\{kind="admin.api_key_change",severity="medium"\} [1-9]/,
    );
  });

  /** The signed webhook delivery of an alert, once it arrives. */
  const delivered = async (alertId: string): Promise<Record<string, unknown>> => {
    for (let i = 0; i < 60; i += 1) {
      const delivery = received.find((r) => r.body.includes(alertId));
      if (delivery) {
        expect(verifyWebhook(SECRET, delivery.body, delivery.signature)).toBe(true);
        return JSON.parse(delivery.body) as Record<string, unknown>;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`alert ${alertId} was not delivered`);
  };

  it('raises crypto.decrypt_spike when a key decrypts far more than it ever has, and sends it signed', async () => {
    const { id, key } = await createApiKey(t.http, admin, ['crypto:encrypt', 'crypto:decrypt']);
    const fields = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`field${i}`, `value ${i}`]),
    );
    const sealed = await request(t.http)
      .post('/v1/crypto/encrypt')
      .set('Authorization', `Bearer ${key}`)
      .send({ fields })
      .expect(200);
    await request(t.http)
      .post('/v1/crypto/decrypt')
      .set('Authorization', `Bearer ${key}`)
      .send({ fields: (sealed.body as { fields: Record<string, string> }).fields })
      .expect(200);
    const alert = await eventually((all) => all.find((a) => a.actor.id === id), {
      kind: 'crypto.decrypt_spike',
    });
    expect(alert).toMatchObject({
      severity: 'high',
      actor: { type: 'api_key', id },
      details: { fieldsThisMinute: 20, warm: false },
    });
    expect(await delivered(alert.id)).toMatchObject({ kind: 'crypto.decrypt_spike' });
  });

  it('raises export.download_spike when one address downloads many access packages, and sends it signed', async () => {
    const key = (await createApiKey(t.http, admin, ['requests:write', 'requests:read'])).key;
    const filed = await request(t.http)
      .post('/v1/privacy-requests')
      .set('Authorization', `Bearer ${key}`)
      .send({ type: 'access', subject: { email: uniqueEmail('downloads') } })
      .expect(201);
    let path: string | undefined;
    for (let i = 0; i < 200 && !path; i += 1) {
      const link = await request(t.http)
        .get(`/v1/privacy-requests/${(filed.body as { id: string }).id}/export`)
        .set('Authorization', `Bearer ${key}`);
      if (link.status === 200) {
        path = new URL((link.body as { url: string }).url).pathname;
      } else {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(path).toBeDefined();
    for (let i = 0; i < 3; i += 1) {
      await request(t.http)
        .get(path as string)
        .set('X-Forwarded-For', '198.18.7.9')
        .expect(200);
    }
    const alert = await eventually(
      (all) => all.find((a) => a.details.address === '198.18.7.0/24'),
      { kind: 'export.download_spike' },
    );
    expect(alert).toMatchObject({
      severity: 'high',
      details: { scope: 'address', downloads: 3, requests: 1 },
    });
    expect(await delivered(alert.id)).toMatchObject({ kind: 'export.download_spike' });
  });

  it('filters by kind and since, and pages with a cursor', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await alerts({ since: future })).toEqual([]);
    const first = await request(t.http)
      .get('/v1/admin/security/alerts')
      .query({ limit: '1' })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    const page = first.body as { items: Alert[]; nextCursor: string };
    expect(page.items).toHaveLength(1);
    const second = await request(t.http)
      .get('/v1/admin/security/alerts')
      .query({ limit: '1', cursor: page.nextCursor })
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect((second.body as { items: Alert[] }).items[0].id).not.toBe(page.items[0].id);
    await request(t.http)
      .get('/v1/admin/security/alerts')
      .query({ cursor: 'bm90LWEtY3Vyc29y' })
      .set('Authorization', `Bearer ${admin}`)
      .expect(400);
  });
});
