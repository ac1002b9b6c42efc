import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { DEFAULT_PKCS11_LIBRARY } from '../src/providers/pkcs11.provider';

/**
 * A throwaway SoftHSM2 token: config and token directory under a temp dir, initialised with
 * `softhsm2-util --init-token --free`. SoftHSM reads SOFTHSM2_CONF from the real process
 * environment at C_Initialize; Jest gives each test file a copy of process.env, so the variable
 * is set through a worker sharing the process environment (SHARE_ENV).
 */
export class SoftHsmFixture {
  readonly tokenLabel = 'privacy-test';
  readonly pin = '1234';
  readonly soPin = '5678';
  private dir?: string;

  static available(): boolean {
    return existsSync(DEFAULT_PKCS11_LIBRARY) && SoftHsmFixture.hasUtil();
  }

  static unavailableMessage(): string {
    return `SoftHSM2 not installed (${DEFAULT_PKCS11_LIBRARY} or softhsm2-util missing): pkcs11 tests skipped. Install with: apt-get install -y softhsm2`;
  }

  private static hasUtil(): boolean {
    try {
      execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  async setUp(): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), 'softhsm-'));
    const tokens = path.join(dir, 'tokens');
    mkdirSync(tokens);
    const conf = path.join(dir, 'softhsm2.conf');
    writeFileSync(
      conf,
      `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    await SoftHsmFixture.setRealEnv('SOFTHSM2_CONF', conf);
    execFileSync(
      'softhsm2-util',
      [
        '--init-token',
        '--free',
        '--label',
        this.tokenLabel,
        '--pin',
        this.pin,
        '--so-pin',
        this.soPin,
      ],
      { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' },
    );
    this.dir = dir;
  }

  private static async setRealEnv(name: string, value: string): Promise<void> {
    const worker = new Worker(`process.env[${JSON.stringify(name)}] = ${JSON.stringify(value)};`, {
      eval: true,
      env: SHARE_ENV,
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', () => resolve());
    });
  }

  tearDown(): void {
    if (this.dir !== undefined) {
      rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
    }
  }
}
