import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from 'src/config/app-config';

/**
 * Keys the service uses for its own credentials (TOTP secrets, backup codes, signed links),
 * each derived from the master key with HKDF under its own label so no two uses share a key.
 */
@Injectable()
export class ServiceKeys {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly config: AppConfig) {}

  subkey(label: string): Buffer {
    let key = this.cache.get(label);
    if (!key) {
      key = Buffer.from(
        hkdfSync('sha256', this.config.masterKey, Buffer.alloc(0), `privacy-service/${label}`, 32),
      );
      this.cache.set(label, key);
    }
    return key;
  }

  hmac(label: string, value: string): string {
    return createHmac('sha256', this.subkey(label)).update(value).digest('base64url');
  }

  /**
   * AES-256-GCM with the label (and `owner`, e.g. a user id) as associated data: a sealed value
   * only opens for its own use and its own row.
   */
  seal(label: string, plaintext: string, owner?: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subkey(label), iv);
    cipher.setAAD(ServiceKeys.aad(label, owner));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Opens a value sealed for `owner` (without one: a value sealed for no owner); throws else. */
  open(label: string, sealed: string, owner?: string): string {
    return this.openWith(label, sealed, ServiceKeys.aad(label, owner));
  }

  /**
   * Like `open`, but a value sealed before values named their owner (label only) still opens:
   * for values that expire (stored idempotent answers), so nothing has to move them.
   */
  openOwnedOrFormer(label: string, sealed: string, owner: string): string {
    try {
      return this.open(label, sealed, owner);
    } catch {
      return this.open(label, sealed);
    }
  }

  private openWith(label: string, sealed: string, aad: Buffer): string {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.subkey(label), raw.subarray(0, 12));
    decipher.setAAD(aad);
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  private static aad(label: string, owner?: string): Buffer {
    return Buffer.from(owner === undefined ? label : `${label}\n${owner}`);
  }
}
