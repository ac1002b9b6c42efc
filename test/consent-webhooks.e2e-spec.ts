import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { verifyWebhook } from 'src/consent/webhooks/webhook-signature';
import {
  CONSENT_WEBHOOK_QUEUE,
  DELIVERY_BACKOFF_MS,
  DeliverJobData,
} from 'src/consent/webhooks/webhook.jobs';
import { createPurpose, purposeKey, recordConsent, subjectEmail } from './support/consent-fixtures';
import { createApiKey, createUser } from './support/factories';
import { ownDatabase } from './support/own-database';
import { adminToken, createTestApp, TestApp } from './support/test-app';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Resolves once the probe holds; bounded by the test's own timeout, never by a guess of load. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Deliveries are queue jobs: any app on the same database and Redis prefix would take them, with
// its own settings (one refuses loopback targets). This file's app has both to itself.
describe('Consent change webhooks', () => {
  let own: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let admin: string;
  let key: string;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let failFirst = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failFirst > 0) {
          failFirst -= 1;
          res.writeHead(503).end();
        } else {
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/consent`;
    own = await ownDatabase('consent_webhooks');
    t = await createTestApp(own.env);
    admin = await adminToken(t.http);
    key = (await createApiKey(t.http, admin, ['consent:read', 'consent:write'])).key;
  });
  afterAll(async () => {
    await t?.close();
    await own?.drop();
    await new Promise((r) => server.close(r));
  });

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('delivers signed consent.changed events, retrying a failed delivery with backoff', async () => {
    const created = await request(t.http)
      .post('/v1/admin/webhooks')
      .set(auth(admin))
      .send({ url, description: 'loopback receiver' })
      .expect(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const stored = await t.app
      .get(DataSource)
      .query<Array<{ secret_enc: string }>>(
        'SELECT secret_enc FROM consent_webhooks WHERE id = $1',
        [created.body.id],
      );
    expect(stored[0].secret_enc).not.toContain(secret.slice(6));

    const purpose = (
      await createPurpose(t.http, admin, { key: purposeKey('hook'), legalBasis: 'consent' })
    ).key;
    const subjectId = subjectEmail('hooked');
    failFirst = 1;
    const rec = await recordConsent(t.http, key, {
      subjectId,
      purpose,
      granted: true,
      source: 'web',
    });
    expect(rec.status).toBe(201);
    const forEvent = () => received.filter((r) => r.headers['x-webhook-id'] === rec.body.receiptId);
    await until(() => (forEvent().length >= 1 ? true : undefined));
    // The 503 puts the job back as delayed by the backoff; promoting it runs the retry now, so
    // the test waits for the retry itself, however long the backoff is.
    const queue = t.app.get<Queue<DeliverJobData>>(getQueueToken(CONSENT_WEBHOOK_QUEUE));
    const job = (await queue.getJob(`${rec.body.receiptId}_${created.body.id}`)) as Job;
    expect(job.opts.backoff).toEqual({ type: 'exponential', delay: DELIVERY_BACKOFF_MS });
    await until(async () => ((await job.getState()) === 'delayed' ? true : undefined));
    await job.promote().catch(async (e: unknown) => {
      // The backoff may have run out meanwhile; only a job still waiting is an error.
      if ((await job.getState()) === 'delayed') {
        throw e;
      }
    });
    await until(() => (forEvent().length >= 2 ? true : undefined));
    const [first, second] = forEvent();
    // The first attempt got a 503; the retry carries the same event.
    expect(JSON.parse(first.body).id).toBe(JSON.parse(second.body).id);
    for (const delivery of [first, second]) {
      expect(delivery.headers['x-webhook-event']).toBe('consent.changed');
      expect(
        verifyWebhook(secret, delivery.body, delivery.headers['x-webhook-signature'] as string),
      ).toBe(true);
      expect(
        verifyWebhook(
          'whsec_wrong',
          delivery.body,
          delivery.headers['x-webhook-signature'] as string,
        ),
      ).toBe(false);
      expect(
        verifyWebhook(
          secret,
          delivery.body.replace('"granted":true', '"granted":false'),
          delivery.headers['x-webhook-signature'] as string,
        ),
      ).toBe(false);
    }
    const payload = JSON.parse(second.body) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe('consent.changed');
    expect(payload.data).toMatchObject({
      receiptId: rec.body.receiptId,
      subjectId,
      purpose,
      purposeVersion: 1,
      granted: true,
      source: 'web',
      sequence: rec.body.sequence,
    });
  });

  it('shows a webhook URL with its credentials masked, on creation, reading and listing', async () => {
    const withSecrets = url.replace('http://', 'http://hook-user:pw-s3cr3t@') + '?token=q-s3cr3t';
    const created = await request(t.http)
      .post('/v1/admin/webhooks')
      .set(auth(admin))
      .send({ url: withSecrets })
      .expect(201);
    const masked = url.replace('http://', 'http://***:***@') + '?token=***';
    expect(created.body.url).toBe(masked);
    const one = await request(t.http)
      .get(`/v1/admin/webhooks/${created.body.id}`)
      .set(auth(admin))
      .expect(200);
    expect(one.body.url).toBe(masked);
    const list = await request(t.http)
      .get('/v1/admin/webhooks?limit=500')
      .set(auth(admin))
      .expect(200);
    for (const shown of [created.text, one.text, list.text]) {
      expect(shown).not.toContain('s3cr3t');
      expect(shown).not.toContain('hook-user');
    }
    await request(t.http)
      .delete(`/v1/admin/webhooks/${created.body.id}`)
      .set(auth(admin))
      .expect(204);
  });

  it('lets admins list, pause and delete endpoints; others may not manage them', async () => {
    const created = await request(t.http)
      .post('/v1/admin/webhooks')
      .set(auth(admin))
      .send({ url: `${url}?paused=1`, events: ['consent.changed'] })
      .expect(201);
    const id = created.body.id as string;
    const list = await request(t.http).get('/v1/admin/webhooks').set(auth(admin)).expect(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const paused = await request(t.http)
      .patch(`/v1/admin/webhooks/${id}`)
      .set(auth(admin))
      .send({ active: false })
      .expect(200);
    expect(paused.body.active).toBe(false);
    // An update is checked by the registration's rules: a bad URL or event is refused whole.
    for (const body of [{ url: 'ftp://x.example' }, { events: ['nope'] }, { url: 5 }]) {
      const bad = await request(t.http)
        .patch(`/v1/admin/webhooks/${id}`)
        .set(auth(admin))
        .send(body)
        .expect(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    }
    const purpose = (
      await createPurpose(t.http, admin, { key: purposeKey('hook2'), legalBasis: 'contract' })
    ).key;
    const rec = await recordConsent(t.http, key, {
      subjectId: subjectEmail(),
      purpose,
      granted: false,
    });
    await until(() =>
      received.some((r) => r.headers['x-webhook-id'] === rec.body.receiptId) ? true : undefined,
    );
    // Only the active endpoint got a delivery job; the paused one was never queued.
    const queue = t.app.get<Queue<DeliverJobData>>(getQueueToken(CONSENT_WEBHOOK_QUEUE));
    expect(await queue.getJob(`${rec.body.receiptId}_${id}`)).toBeUndefined();
    const pausedHits = received.filter((r) => r.headers['x-webhook-id'] === rec.body.receiptId);
    expect(pausedHits).toHaveLength(1);

    const dpo = (await createUser(t.http, admin, ['dpo'])).token;
    await request(t.http).get('/v1/admin/webhooks').set(auth(dpo)).expect(403);
    await request(t.http).post('/v1/admin/webhooks').set(auth(key)).send({ url }).expect(403);
    await request(t.http)
      .post('/v1/admin/webhooks')
      .set(auth(admin))
      .send({ url: 'ftp://x' })
      .expect(400);
    await request(t.http).delete(`/v1/admin/webhooks/${id}`).set(auth(admin)).expect(204);
    await request(t.http).get(`/v1/admin/webhooks/${id}`).set(auth(admin)).expect(404);
    await request(t.http).delete(`/v1/admin/webhooks/${id}`).set(auth(admin)).expect(404);
    const audit = await t.app
      .get(DataSource)
      .query<Array<{ action: string }>>(
        'SELECT action FROM audit_events WHERE target_id = $1 ORDER BY seq',
        [id],
      );
    expect(audit.map((x) => x.action)).toEqual([
      'consent.webhook.create',
      'consent.webhook.update',
      'consent.webhook.delete',
    ]);
  });
});
