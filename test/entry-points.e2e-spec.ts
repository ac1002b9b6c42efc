import { freePort, exitOf, spawnEntry, waitForHttp } from './support/spawn-service';

describe('entry points', () => {
  it('starts the API, says where it listens, then on SIGTERM stops taking requests and exits cleanly', async () => {
    const port = await freePort();
    const child = spawnEntry('main', { PORT: String(port), LOG_LEVEL: 'info' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    } catch (e) {
      child.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n${output}`);
    }
    expect(output).toContain(`Listening on http://localhost:${port}`);
    // One line per route at start-up is noise; the listening line stands out instead.
    expect(output).not.toContain('Mapped {');
    child.kill('SIGTERM');
    expect(await exitOf(child, 20_000)).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });

  it('runs a worker-only process without an HTTP server, and stops it on SIGTERM', async () => {
    const port = await freePort();
    const child = spawnEntry('worker', { PORT: String(port), LOG_LEVEL: 'info' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    const started = Date.now();
    while (!output.includes('Worker ready') && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(output).toContain(`Worker ready (pid ${child.pid}`);
    await new Promise((r) => setTimeout(r, 2000));
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    child.kill('SIGTERM');
    expect(await exitOf(child, 20_000)).toBe(0);
  });

  it('refuses to start with a bad configuration, one line per problem', async () => {
    const child = spawnEntry('main', {
      PORT: 'eighty',
      NODE_ENV: 'production',
      MASTER_KEY: '',
      SMTP_URL: '',
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exitOf(child, 30_000)).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/- PORT /);
    expect(stderr).toContain('MASTER_KEY or MASTER_KEY_FILE is required when NODE_ENV=production');
  });
});
