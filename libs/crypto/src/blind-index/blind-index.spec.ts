import { randomBytes } from 'node:crypto';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { BlindIndexer } from './blind-index';

describe('BlindIndexer', () => {
  const secret = randomBytes(32);
  const indexer = new BlindIndexer(secret);

  it('is deterministic per field and value', () => {
    expect(indexer.compute('email', 'a@b.c')).toBe(
      new BlindIndexer(secret).compute('email', 'a@b.c'),
    );
    expect(indexer.compute('email', 'a@b.c')).not.toBe(indexer.compute('email', 'a@b.d'));
  });

  it('derives a separate key per field and per root secret', () => {
    expect(indexer.compute('email', 'x')).not.toBe(indexer.compute('phone', 'x'));
    expect(indexer.compute('email', 'x')).not.toBe(
      new BlindIndexer(randomBytes(32)).compute('email', 'x'),
    );
  });

  it('normalises on request: trim, lowercase, and always NFC', () => {
    const opts = { trim: true, lowercase: true };
    expect(indexer.compute('email', '  Alice@Example.COM ', opts)).toBe(
      indexer.compute('email', 'alice@example.com', opts),
    );
    expect(indexer.compute('email', ' A ')).not.toBe(indexer.compute('email', 'a'));
    expect(indexer.compute('name', 'Zo\u00eb')).toBe(indexer.compute('name', 'Zoe\u0308'));
  });

  it('truncates to the configured length', () => {
    expect(Buffer.from(indexer.compute('f', 'v'), 'base64url')).toHaveLength(16);
    expect(Buffer.from(indexer.compute('f', 'v', { bytes: 8 }), 'base64url')).toHaveLength(8);
    const full = Buffer.from(indexer.compute('f', 'v', { bytes: 32 }), 'base64url');
    expect(full.subarray(0, 8).toString('base64url')).toBe(indexer.compute('f', 'v', { bytes: 8 }));
    expect(() => indexer.compute('f', 'v', { bytes: 4 })).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.InvalidArgument }),
    );
  });

  it('refuses a short root secret', () => {
    expect(() => new BlindIndexer(randomBytes(16))).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.InvalidConfig }),
    );
  });
});
