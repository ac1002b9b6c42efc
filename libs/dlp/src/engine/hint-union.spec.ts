import fc from 'fast-check';
import { HintUnion } from './hint-union';

describe('HintUnion', () => {
  it('answers each hint as the hint alone does, on the same text and on the next', () => {
    const union = new HintUnion('i');
    // Hints with their own groups, and lookbehinds reaching before where another hint matched.
    const hints = [/ab\b/i, /(?<=x)y/i, /(c)(c)/i, /(b)\b(?<=x[^]*)/i, /(?<=a-?)c/i];
    const tests = hints.map((h) => union.add(h));
    const texts = fc
      .array(fc.constantFrom('a', 'b', 'AB', 'x', 'Y', 'c', 'C', ' ', '-'), { maxLength: 8 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(texts, texts, (first, second) => {
        for (const text of [first, first, second]) {
          expect(tests.map((t) => t(text))).toEqual(hints.map((h) => h.test(text)));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes a hint added after the first text into the union', () => {
    const union = new HintUnion('u');
    const hasA = union.add(/a/u);
    expect(hasA('b')).toBe(false);
    const hasB = union.add(/b/u);
    expect(hasB('b')).toBe(true);
  });

  it('refuses a hint with other flags', () => {
    expect(() => new HintUnion('u').add(/a/i)).toThrow(/flags/);
  });
});
