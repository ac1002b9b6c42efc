import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { AppConfig } from 'src/config/app-config';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const KEY_LEN = 32;
const R = 8;
const P = 1;

/** scrypt, N = 2^PASSWORD_HASH_COST (OWASP's minimum is 2^17, r=8, p=1); parameters travel with the hash. */
@Injectable()
export class PasswordHasher {
  private readonly params: { N: number; r: number; p: number };
  /**
   * Verifying this costs as much as a real hash (same parameters), so unknown accounts answer as
   * slowly as known ones. Random salt and key instead of a derived hash: deriving one at start-up
   * would briefly take N * r * 128 bytes (128 MiB) in every process, workers included.
   */
  private readonly dummy: string;

  constructor(config: AppConfig) {
    this.params = { N: 2 ** config.auth.passwordHashCost, r: R, p: P };
    this.dummy = this.encode(randomBytes(16), randomBytes(KEY_LEN));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    return this.encode(salt, await this.derive(password, salt, this.params));
  }

  /** A stored value that is no scrypt hash (a reset in progress) fails, as slowly as any. */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const real = stored?.startsWith('scrypt$') === true;
    const encoded = real && stored ? stored : this.dummy;
    const [scheme, n, r, p, salt, key] = encoded.split('$');
    if (scheme !== 'scrypt' || !salt || !key) {
      return false;
    }
    const expected = Buffer.from(key, 'base64');
    const actual = await this.derive(password, Buffer.from(salt, 'base64'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return timingSafeEqual(actual, expected) && real;
  }

  private encode(salt: Buffer, key: Buffer): string {
    const { N, r, p } = this.params;
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  private derive(
    password: string,
    salt: Buffer,
    params: { N: number; r: number; p: number },
  ): Promise<Buffer> {
    return scryptAsync(password.normalize('NFKC'), salt, KEY_LEN, {
      ...params,
      maxmem: 256 * params.N * params.r,
    });
  }
}
