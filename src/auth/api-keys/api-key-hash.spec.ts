import { createHash } from 'node:crypto';
import { hashApiKey } from './api-key-hash';

describe('hashApiKey', () => {
  it('gives the hex SHA-256 that stored keys were hashed with, so existing keys still match', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const key = 'psk_3q2-7wEXAMPLEé';
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
  });
});
