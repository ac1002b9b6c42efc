import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ownDatabase } from './support/own-database';
import { runCli } from './support/spawn-service';
import { adminToken, createTestApp, login, TestApp } from './support/test-app';

// Each command is a process that compiles the source and boots the application context.
jest.setTimeout(240_000);

/** `npm run cli` against a scratch database, checked through the real API on the same one. */
describe('npm run cli', () => {
  let db: Awaited<ReturnType<typeof ownDatabase>>;
  let t: TestApp;
  let ds: DataSource;
  let env: Record<string, string>;
  const cli = (args: string[], stdin?: string) => runCli(args, env, stdin);
  const email = (label: string): string => `${label}-${randomUUID().slice(0, 8)}@exämple.test`;

  beforeAll(async () => {
    db = await ownDatabase('cli');
    env = { ...db.env, LOG_LEVEL: 'warn' };
    t = await createTestApp({ ...db.env, WORKERS: 'false' });
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('prints its commands and exit codes with --help, without touching the database', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const name of [
      'create-user',
      'reset-password',
      'reset-mfa',
      'unlock',
      'verify-audit',
      'reconcile',
    ]) {
      expect(stdout).toContain(name);
    }
    expect(stdout).toContain('Exit codes');
  });

  it('answers an unknown command or option with exit code 2 and the usage', async () => {
    const unknown = await cli(['drop-everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "drop-everything"');
    const option = await cli(['unlock', '--email', 'a@b.test', '--force', 'yes']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown option --force');
  });

  it('creates a user with a password from stdin, who can then log in', async () => {
    const address = email('created');
    const password = `Pässwort-${randomUUID()}`;
    const { code, stdout } = await cli(
      ['create-user', '--email', address, '--role', 'dpo', '--password-stdin'],
      `${password}\n`,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Created user [0-9a-f-]{36} .* with roles dpo/);
    expect(stdout).not.toContain(password);
    await login(t.http, address, password);
  });

  it('refuses a password the API would refuse, with exit code 1, without echoing it', async () => {
    const { code, stderr } = await cli(
      ['create-user', '--email', email('short'), '--role', 'admin', '--password-stdin'],
      'short-pw\n',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/password/i);
    expect(stderr).not.toContain('short-pw');
  });

  it('resets a password to a generated one, printed once; the old one stops working', async () => {
    const address = email('reset');
    const old = `old-password-${randomUUID()}`;
    await cli(['create-user', '--email', address, '--role', 'auditor', '--password-stdin'], old);
    const { code, stdout } = await cli(['reset-password', '--email', address]);
    expect(code).toBe(0);
    const generated = /Password: (\S+)/.exec(stdout)?.[1] ?? '';
    await login(t.http, address, generated);
    await request(t.http)
      .post('/v1/auth/login')
      .send({ email: address, password: old })
      .expect(401);
  });

  it('removes a second factor and its backup codes', async () => {
    const address = email('mfa');
    const created = await cli(['create-user', '--email', address, '--role', 'admin']);
    const id = /Created user (\S+)/.exec(created.stdout)?.[1];
    await ds.query(
      `UPDATE admin_users SET totp_secret = 'sealed-secret', totp_pending_secret = 'pending' WHERE id = $1`,
      [id],
    );
    const { code } = await cli(['reset-mfa', '--email', address]);
    expect(code).toBe(0);
    const [row] = await ds.query<
      Array<{ totp_secret: string | null; totp_pending_secret: string | null }>
    >('SELECT totp_secret, totp_pending_secret FROM admin_users WHERE id = $1', [id]);
    expect(row).toEqual({ totp_secret: null, totp_pending_secret: null });
    const [audited] = await ds.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'admin.user.mfa_reset' AND target_id = $1`,
      [id],
    );
    expect(audited.n).toBe(1);
  });

  it('unlocks a disabled account with failed-login delays, so its owner logs in again', async () => {
    const address = email('locked');
    const password = `locked-password-${randomUUID()}`;
    const created = await cli(
      ['create-user', '--email', address, '--role', 'dpo', '--password-stdin'],
      password,
    );
    const id = /Created user (\S+)/.exec(created.stdout)?.[1] ?? '';
    const admin = await adminToken(t.http);
    await request(t.http)
      .patch(`/v1/admin/users/${id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ disabled: true })
      .expect(200);
    for (let i = 0; i < 3; i++) {
      await request(t.http)
        .post('/v1/auth/login')
        .send({ email: address, password: 'wrong-password-123' });
    }
    const redis = new Redis(process.env.REDIS_URL ?? '');
    // The throttle names an account by a hash of its e-mail address.
    const ref = createHash('sha256').update(`email:${address}`).digest('hex').slice(0, 32);
    const accountKeys = async (): Promise<string[]> =>
      redis.keys(`${db.env.REDIS_PREFIX}:rl:login:fail:acct:${ref}`);
    try {
      expect((await accountKeys()).length).toBeGreaterThan(0);
      const { code, stdout } = await cli(['unlock', '--email', address]);
      expect(code).toBe(0);
      expect(stdout).toContain(`User ${id} unlocked`);
      expect(await accountKeys()).toEqual([]);
    } finally {
      redis.disconnect();
    }
    await login(t.http, address, password);
  });

  it('fails with exit code 1 and says so for a user that does not exist', async () => {
    const { code, stderr } = await cli(['unlock', '--email', email('nobody')]);
    expect(code).toBe(1);
    expect(stderr).toContain('No such user');
  });

  it('verifies the audit chain: exit 0 when whole, 3 once an event was edited', async () => {
    const whole = await cli(['verify-audit']);
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.stdout)).toMatchObject({ ok: true });
    await ds.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(
        `UPDATE audit_events SET details = '{"edited": true}' WHERE id = (SELECT id FROM audit_events ORDER BY seq LIMIT 1)`,
      );
    });
    const broken = await cli(['verify-audit']);
    expect(broken.code).toBe(3);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false });
  });

  it('re-enqueues an open request whose run is not on the queue', async () => {
    await ds.query(
      `INSERT INTO privacy_requests (id, type, status, jurisdiction, source, subject_ciphertext,
         received_at, due_at, due_rule)
       VALUES ($1, 'erasure', 'queued', 'GDPR', 'service', 'sealed', now(), now() + interval '30 days', 'gdpr-1-calendar-month')`,
      [randomUUID()],
    );
    const { code, stdout } = await cli(['reconcile']);
    expect(code).toBe(0);
    expect(stdout).toContain('Re-enqueued 1 privacy requests');
  });
});
