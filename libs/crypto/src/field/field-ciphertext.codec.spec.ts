import * as fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { FieldCiphertextCodec } from './field-ciphertext.codec';

/** Headers from a small pool, so that pairs often share all or part of one. */
const headerArb = fc
  .record({
    alias: fc.constantFrom('a', 'ab', 'abc', 'pii', 'orders', 'A.b-c_d'),
    version: fc.constantFrom(1, 2, 127, 128, 129, 16_384, 0xffffffff),
    subject: fc.constantFrom(undefined, 'AAAAAAAAAAA', 'AAAAAAAAAAE', '_________w8'),
  })
  .map(({ alias, version, subject }) =>
    FieldCiphertextCodec.encodeHeader(
      alias,
      version,
      subject === undefined ? undefined : Buffer.from(subject, 'base64url'),
    ),
  );

/** A ciphertext's text with `header`: nonce, body and tag are random. */
const textOf = (header: Buffer): string =>
  Buffer.concat([header, randomBytes(12 + 5 + 16)]).toString('base64url');

describe('FieldCiphertextCodec.sameHeader', () => {
  it('says two texts share a header exactly when their header bytes are equal', () => {
    fc.assert(
      fc.property(headerArb, headerArb, (a, b) => {
        const first = textOf(a);
        const second = textOf(b);
        expect(FieldCiphertextCodec.sameHeader(first, a.length)(second)).toBe(a.equals(b));
        // The nonce never decides: the same header under any nonce matches.
        expect(FieldCiphertextCodec.sameHeader(first, a.length)(textOf(a))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('does not match a text that stops inside the header or leaves the alphabet there', () => {
    const header = FieldCiphertextCodec.encodeHeader('ab', 1);
    const text = textOf(header);
    const same = FieldCiphertextCodec.sameHeader(text, header.length);
    expect(same(text.slice(0, 6))).toBe(false);
    expect(same(`${text.slice(0, 6)}é${text.slice(7)}`)).toBe(false);
  });
});
