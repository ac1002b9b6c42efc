import { randomFillSync } from 'node:crypto';

/**
 * 96-bit random nonces drawn from a buffer refilled by the CSPRNG in bulk, which is much cheaper
 * than one randomBytes call per field. A returned nonce is a view that the next refill overwrites:
 * use it synchronously.
 */
export class NoncePool {
  private readonly pool: Buffer;
  private offset: number;

  constructor(
    private readonly nonceBytes = 12,
    count = 1024,
  ) {
    this.pool = Buffer.allocUnsafe(nonceBytes * count);
    this.offset = this.pool.length;
  }

  next(): Buffer {
    if (this.offset === this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const nonce = this.pool.subarray(this.offset, this.offset + this.nonceBytes);
    this.offset += this.nonceBytes;
    return nonce;
  }
}
