import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { uniqueEmail } from './support/factories';
import { ownDatabase } from './support/own-database';
import { exitOf, freePort, spawnEntry, waitForHttp } from './support/spawn-service';

/**
 * A developer's run: no SMTP_URL outside production, so every mail (the code included) is an
 * .eml file under MAIL_DIR, named in the log at info. Runs the real entry point at debug level
 * and scans all it wrote for the subject's data and the secrets handed out.
 */
describe('mail as files in development, and no personal data in the log', () => {
  const mailDir = mkdtempSync(join(tmpdir(), 'subject-mail-files-'));
  const email = uniqueEmail('newcomer');
  let child: ChildProcess;
  let base = '';
  let output = '';
  const secrets: string[] = [email];
  let own: Awaited<ReturnType<typeof ownDatabase>>;

  beforeAll(async () => {
    own = await ownDatabase('subject_mail_files');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawnEntry('main', {
      ...own.env,
      PORT: String(port),
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      MAIL_DIR: mailDir,
      EXPORT_DIR: mkdtempSync(join(tmpdir(), 'subject-mail-files-exports-')),
      PRIVACY_RECONCILE_INTERVAL_MS: '1000',
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitForHttp(`${base}/health/ready`);
    } catch (e) {
      child.kill('SIGKILL');
      throw new Error(`${(e as Error).message}\n${output.slice(-4000)}`);
    }
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
    }
    await own?.drop();
  });

  /** The .eml of this request and kind, once written, parsed. */
  async function mailFile(
    id: string,
    kind: string,
  ): Promise<{ file: string; text: string; to: string }> {
    for (let i = 0; i < 300; i++) {
      const name = readdirSync(mailDir).find((f) => f.endsWith(`-${id}-${kind}.eml`));
      if (name) {
        const file = join(mailDir, name);
        const parsed = await simpleParser(readFileSync(file));
        return { file, text: parsed.text ?? '', to: parsed.to ? JSON.stringify(parsed.to) : '' };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${kind} mail of ${id} in ${mailDir}: ${readdirSync(mailDir).join(', ')}`);
  }

  const post = (path: string, body: object): Promise<Response> =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('the public flow can be followed through the files the log names', async () => {
    const filed = await post('/v1/public/privacy-requests', { type: 'access', email });
    expect(filed.status).toBe(202);
    const { id } = (await filed.json()) as { id: string };

    const codeMail = await mailFile(id, 'verification-code');
    expect(codeMail.to).toContain(email);
    const code = /code is (\d{6})/.exec(codeMail.text)?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    secrets.push(code);
    const verified = await post(`/v1/public/privacy-requests/${id}/verify`, { code });
    expect(verified.status).toBe(200);
    const { statusToken } = (await verified.json()) as { statusToken: string };
    secrets.push(statusToken);

    const receipt = await mailFile(id, 'receipt');
    expect(receipt.text).toContain('We will answer by');
    const completion = await mailFile(id, 'completion');
    const link = /(https?:\/\/\S+\/v1\/public\/exports\/(\S+))/.exec(completion.text);
    expect(link).not.toBeNull();
    secrets.push(link?.[2] ?? '');
    const download = await fetch(`${base}${new URL(link?.[1] ?? '').pathname}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');

    const look = await fetch(`${base}/v1/public/privacy-requests/${id}`, {
      headers: { authorization: `Bearer ${statusToken}` },
    });
    expect(look.status).toBe(200);
    expect(((await look.json()) as { status: string }).status).toBe('completed');

    // Each file is named in the log at info (development prints pino-pretty lines, which the
    // pretty-printer's thread may write a moment after the file exists).
    const named = (file: string): boolean =>
      output.split('\n').some((l) => /\bINFO\b|"level":30/.test(l) && l.includes(file));
    const mails = [codeMail, receipt, completion];
    for (let waited = 0; waited < 10_000 && !mails.every((m) => named(m.file)); waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const m of mails) {
      expect(existsSync(m.file)).toBe(true);
      expect({ file: m.file, named: named(m.file) }).toEqual({ file: m.file, named: true });
    }
  }, 90_000);

  it('the log holds none of the address, the code, the status token or the link', async () => {
    child.kill('SIGTERM');
    expect(await exitOf(child, 20_000)).toBe(0);
    expect(output.length).toBeGreaterThan(1000);
    const leaks = secrets.filter((s) => s.length > 0 && output.includes(s));
    expect(leaks).toEqual([]);
  });
});
