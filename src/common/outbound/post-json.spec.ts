import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson, PrivateAddressError } from './post-json';

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
