import fc from 'fast-check';
import { forEachMatchAt, stickyCopy } from '../engine/anchored-match';
import { forEachMatch } from '../engine/recognizer';
import { IPV4, IPV6, ipv4Starts, ipv6Starts } from './ip-address.recognizer';

/** Text dense in what IPv6 addresses are made of and in what ends or glues them. */
const texts = fc
  .array(fc.constantFrom(...'0123abcdefAF:::..%/x "g', '::', 'ffff', '2001', 'db8', '1.2.3.4'), {
    maxLength: 40,
  })
  .map((p) => p.join(''));

const spans = (collect: (accept: (m: RegExpExecArray) => void) => void): string[] => {
  const out: string[] = [];
  collect((m) => {
    // Only runs with two colons or more can be addresses; the others are never reported.
    if ((m[0].match(/:/g) ?? []).length >= 2) {
      out.push(`${m.index}:${m[0]}`);
    }
  });
  return out;
};

describe('ipv6Starts', () => {
  it('lets the anchored scan find every run with two colons the global scan finds', () => {
    const sticky = stickyCopy(IPV6);
    fc.assert(
      fc.property(texts, (text) => {
        expect(spans((a) => forEachMatchAt(sticky, text, ipv6Starts(text), a))).toEqual(
          spans((a) => forEachMatch(IPV6, text, a)),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('ipv4Starts', () => {
  const quads = fc
    .array(fc.constantFrom(...'0123456789....../ a', '255', '10.', '1.2.3.4', '.5'), {
      maxLength: 40,
    })
    .map((p) => p.join(''));

  it('lets the anchored scan find exactly what the global scan finds', () => {
    const sticky = stickyCopy(IPV4);
    const all = (collect: (accept: (m: RegExpExecArray) => void) => void): string[] => {
      const out: string[] = [];
      collect((m) => out.push(`${m.index}:${m[0]}`));
      return out;
    };
    fc.assert(
      fc.property(quads, (text) => {
        expect(all((a) => forEachMatchAt(sticky, text, ipv4Starts(text), a))).toEqual(
          all((a) => forEachMatch(IPV4, text, a)),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});
