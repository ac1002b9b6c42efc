import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostAllowList } from './host-allow-list';
import {
  allowListGuard,
  HostNotAllowedError,
  type OutboundRequest,
  postJson,
  PrivateAddressError,
  ResponseTooLargeError,
  sendRequest,
} from './post-json';

describe('postJson', () => {
  let server: Server;
  let port: number;
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  let answer = 204;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        if (answer > 0) {
          res.writeHead(answer).end('ignored');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    answer = 204;
  });

  it('posts the body with its headers and gives the status', async () => {
    answer = 410;
    const status = await postJson(`http://127.0.0.1:${port}/hook`, '{"a":1}', {
      headers: { 'x-webhook-id': 'e1' },
      timeoutMs: 5000,
      allowPrivateNetworks: true,
    });
    expect(status).toBe(410);
    expect(received).toHaveLength(1);
    expect(received[0].body).toBe('{"a":1}');
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(received[0].headers['x-webhook-id']).toBe('e1');
  });

  it('sends each call to a URL called before with its own method, headers and body', async () => {
    const url = `http://127.0.0.1:${port}/again?x=1`;
    const opts = { timeoutMs: 5000, allowPrivateNetworks: true };
    await postJson(url, '{"a":1}', { ...opts, headers: { 'x-webhook-id': 'e1' } });
    await sendRequest(url, { method: 'GET', timeoutMs: 5000, maxResponseBytes: 0 });
    await postJson(url, '{"b":22}', { ...opts, headers: { 'x-webhook-id': 'e2' } });
    expect(
      received.map((r) => [r.body, r.headers['x-webhook-id'], r.headers['content-type']]),
    ).toEqual([
      ['{"a":1}', 'e1', 'application/json'],
      ['', undefined, undefined],
      ['{"b":22}', 'e2', 'application/json'],
    ]);
  });

  it.each(['http://127.0.0.1:PORT/hook', 'http://localhost:PORT/hook', 'http://[::1]:PORT/hook'])(
    'refuses %s unless private networks are allowed, before connecting',
    async (url) => {
      await expect(
        postJson(url.replace('PORT', String(port)), '{}', {
          timeoutMs: 5000,
          allowPrivateNetworks: false,
        }),
      ).rejects.toBeInstanceOf(PrivateAddressError);
      expect(received).toHaveLength(0);
    },
  );

  it('gives up on a receiver that does not answer in time', async () => {
    answer = 0;
    const started = Date.now();
    await expect(
      postJson(`http://127.0.0.1:${port}/slow`, '{}', {
        timeoutMs: 300,
        allowPrivateNetworks: true,
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('sendRequest', () => {
  let server: Server;
  let base: string;
  const paths: string[] = [];
  let connections = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/landed' }).end();
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
      } else if (req.url === '/big-chunked') {
        res.writeHead(200);
        for (let i = 0; i < 5; i++) {
          res.write('y'.repeat(1000));
        }
        res.end();
      } else {
        res.writeHead(200).end('{"ok":true}');
      }
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    paths.length = 0;
    connections = 0;
  });

  const get = (url: string, extra: Partial<OutboundRequest> = {}) =>
    sendRequest(url, { method: 'GET', timeoutMs: 5000, maxResponseBytes: 1000, ...extra });

  it('hands a redirect back without following it', async () => {
    const res = await get(`${base}/redirect`);
    expect(res.status).toBe(302);
    expect(paths).toEqual(['/redirect']);
  });

  it('reads the answer up to the limit', async () => {
    expect((await get(`${base}/small`)).body.toString()).toBe('{"ok":true}');
  });

  it.each(['/big', '/big-chunked'])('refuses an answer over the limit (%s)', async (path) => {
    await expect(get(`${base}${path}`)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('reaches a name only on an address in a listed range, and connects to that address', async () => {
    const port = new URL(base).port;
    const inRange = allowListGuard(new HostAllowList(['127.0.0.0/8']));
    const elsewhere = allowListGuard(new HostAllowList(['10.0.0.0/8', 'other.internal']));
    expect((await get(`http://localhost:${port}/named`, { guard: inRange })).status).toBe(200);
    await expect(
      get(`http://localhost:${port}/named`, { guard: elsewhere }),
    ).rejects.toBeInstanceOf(HostNotAllowedError);
    await expect(get(`${base}/literal`, { guard: elsewhere })).rejects.toBeInstanceOf(
      HostNotAllowedError,
    );
    expect(paths).toEqual(['/named']);
  });

  it('keeps a guarded connection alive for the next request under the same guard', async () => {
    const port = new URL(base).port;
    const guard = allowListGuard(new HostAllowList(['127.0.0.0/8']));
    for (const path of ['/first', '/second', '/third']) {
      expect((await get(`http://localhost:${port}${path}`, { guard })).status).toBe(200);
    }
    expect(paths).toEqual(['/first', '/second', '/third']);
    expect(connections).toBe(1);
  });

  it("never lends one guard's open connection to another guard", async () => {
    const port = new URL(base).port;
    const inRange = allowListGuard(new HostAllowList(['127.0.0.0/8']));
    const elsewhere = allowListGuard(new HostAllowList(['10.0.0.0/8']));
    expect((await get(`http://localhost:${port}/kept`, { guard: inRange })).status).toBe(200);
    await expect(
      get(`http://localhost:${port}/borrowed`, { guard: elsewhere }),
    ).rejects.toBeInstanceOf(HostNotAllowedError);
    expect(paths).toEqual(['/kept']);
  });
});
