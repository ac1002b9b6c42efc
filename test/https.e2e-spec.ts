import { mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { exitOf, freePort, spawnEntry } from './support/spawn-service';
import { makeTestCertificates } from './support/test-certificates';

/** The TLS version a client offering `min`..`max` ends up with, or the handshake's error code. */
function handshake(
  port: number,
  ca: string,
  min: SecureVersion,
  max: SecureVersion,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca,
      minVersion: min,
      maxVersion: max,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'none');
      socket.end();
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('HTTPS with TLS_CERT_FILE and TLS_KEY_FILE', () => {
  const certs = makeTestCertificates();
  const dir = mkdtempSync(join(tmpdir(), 'privacy-tls-'));
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  writeFileSync(certFile, certs.certPem);
  writeFileSync(keyFile, certs.keyPem, { mode: 0o600 });
  let port: number;
  let child: ReturnType<typeof spawnEntry>;
  let output = '';

  beforeAll(async () => {
    port = await freePort();
    child = spawnEntry('main', {
      PORT: String(port),
      LOG_LEVEL: 'info',
      WORKERS: 'false',
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: keyFile,
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes('Listening on') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 100_000);
  afterAll(async () => {
    child.kill('SIGTERM');
    await exitOf(child, 20_000).catch(() => child.kill('SIGKILL'));
  });

  it('says where it listens, with the https scheme', () => {
    expect(output).toContain(`Listening on https://localhost:${port}`);
  });

  it('serves the API over HTTPS to a client that trusts the CA', async () => {
    const status = await new Promise<number>((resolve, reject) =>
      get(`https://localhost:${port}/health/live`, { ca: certs.caPem }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
    expect(status).toBe(200);
  });

  it('negotiates TLS 1.3 when the client offers it', async () => {
    expect(await handshake(port, certs.caPem, 'TLSv1.2', 'TLSv1.3')).toBe('TLSv1.3');
  });

  it('still accepts a TLS 1.2 client', async () => {
    expect(await handshake(port, certs.caPem, 'TLSv1.2', 'TLSv1.2')).toBe('TLSv1.2');
  });

  it('refuses TLS 1.1 and older', async () => {
    const result = await handshake(port, certs.caPem, 'TLSv1', 'TLSv1.1');
    expect(result).not.toMatch(/^TLSv/);
  });
});

describe('HTTPS configuration errors stop the start', () => {
  const start = async (
    env: Record<string, string>,
  ): Promise<{ code: number | null; stderr: string }> => {
    const child = spawnEntry('main', { PORT: String(await freePort()), ...env });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return { code: await exitOf(child, 60_000), stderr };
  };

  it('with only one of the two files set', async () => {
    const { code, stderr } = await start({ TLS_CERT_FILE: '/nonexistent/server.crt' });
    expect(code).toBe(1);
    expect(stderr).toContain('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  });

  it('with a file that cannot be read', async () => {
    const { code, stderr } = await start({
      TLS_CERT_FILE: '/nonexistent/server.crt',
      TLS_KEY_FILE: '/nonexistent/server.key',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('TLS_CERT_FILE cannot be read: ENOENT /nonexistent/server.crt');
  });
});
