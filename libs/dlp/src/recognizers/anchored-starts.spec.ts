import fc from 'fast-check';
import { isIP } from 'node:net';
import { forEachMatchAt, stickyCopy } from '../engine/anchored-match';
import { forEachMatch } from '../engine/recognizer';
import { longRunStarts, RUN } from './credit-card.recognizer';
import { EMAIL, emailStarts } from './email.recognizer';
import { IPV4, IPV6, ipv4Starts, ipv6Shaped, ipv6Starts } from './ip-address.recognizer';
import { MAC, macStarts } from './mac-address.recognizer';
import { URL_RE, urlStarts } from './url.recognizer';

/** Texts joined from pieces dense in what a pattern matches and in what ends or glues a match. */
const textsOf = (pieces: string[], maxLength: number) =>
  fc.array(fc.constantFrom(...pieces), { maxLength }).map((p) => p.join(''));

/**
 * Checks that trying `pattern` only at `starts(text)` finds the matches a global scan finds
 * (those `kept`, when the recognizer reports only some of them).
 */
function expectSameMatches(
  pattern: RegExp,
  starts: (text: string) => number[],
  texts: fc.Arbitrary<string>,
  examples: string[] = [],
  kept: (match: string) => boolean = () => true,
): void {
  const sticky = stickyCopy(pattern);
  const matches = (collect: (accept: (m: RegExpExecArray) => void) => void): string[] => {
    const out: string[] = [];
    collect((m) => {
      if (kept(m[0])) {
        out.push(`${m.index}:${m[0]}`);
      }
    });
    return out;
  };
  const check = (text: string) =>
    expect(matches((a) => forEachMatchAt(sticky, text, starts(text), a))).toEqual(
      matches((a) => forEachMatch(pattern, text, a)),
    );
  fc.assert(fc.property(texts, check), { numRuns: 5_000 });
  examples.forEach(check);
}

describe('anchored starts find what a global scan finds', () => {
  it('e-mail: the start of the local part before each @', () => {
    expectSameMatches(
      EMAIL,
      emailStarts,
      textsOf([...'ab_Z9.-%+@@@ "\'<>x.co.uk', 'example', '.com', '_', 'é'], 60),
    );
  });

  it('MAC: two before a separator repeated four more times, or four before a dotted quad', () => {
    expectSameMatches(
      MAC,
      macStarts,
      textsOf(
        [...'0a:-.F', 'ab', '12', 'cd:', '0f-', 'c0ff.', 'ee.', ' ', 'x', '2024-05-01', '12:30:45'],
        30,
      ),
      ['00:1A:2b:3C:4d:5E', '00-1a-2b-3c-4d-5e', '001a.2b3c.4d5e', '12:30:45 0a:0b:0c:0d:0e:0f'],
    );
  });

  it('IPv4: digits before a dot, with the three dots of a quad', () => {
    expectSameMatches(
      IPV4,
      ipv4Starts,
      textsOf([...'0123456789....../ a', '255', '10.', '1.2.3.4', '.5'], 40),
    );
  });

  it('IPv6: runs with :: or six colons where the lookbehind holds (the only ones reported)', () => {
    expectSameMatches(
      IPV6,
      ipv6Starts,
      textsOf([...'0123abcdefAF:::..%/x "g', '::', 'ffff', '2001', 'db8', '1.2.3.4', 'T12:'], 40),
      [':0/0::', '2001:db8:0:0:1:2:3:4', 'x 1:2:3:4:5:6:1.2.3.4', 'T12:30:45.123Z', ':::'],
      (m) => ipv6Shaped(m.replace(/[%/].*$/, '')),
    );
  });

  it('URL: a label before a dot that a label follows, and its scheme', () => {
    expectSameMatches(
      URL_RE,
      urlStarts,
      textsOf(
        [...'ab-9._@/ :?#"', 'example', '.com', '.co.uk', 'https://', 'ftp://', 'www', '..', '.12'],
        30,
      ),
      [
        'see a.b.com now',
        'x https://a.b.co.uk/p?q=1.',
        'v1.2 and e.g. x.io',
        'at 12:30:45.123Z paid 123.45',
        '1.2.3.4.5.6.7.8.io 1.2.3.4.5.6.7.8.9.io',
      ],
    );
  });

  it('cards: group starts in stretches of twelve or more (the only runs tried)', () => {
    expectSameMatches(
      RUN,
      longRunStarts,
      textsOf([...'0123456789  --.,+a_', '4556', '7375 8689 9', '1234-5678-', '12 34 '], 40),
      ['x12 1234 5678 9012 3456', '1.2 4556737586899 2', '4556 7375 8689 9a 1234 5678 9012 3'],
      (m) => m.length >= 12,
    );
  });

  it('IPv6: the colon count turns away only what node:net refuses', () => {
    const groups = fc.array(
      fc.oneof(fc.hexaString({ minLength: 0, maxLength: 5 }), fc.constant('1.2.3.4')),
      { minLength: 1, maxLength: 10 },
    );
    let valid = 0;
    fc.assert(
      fc.property(groups, (g) => {
        const addr = g.join(':');
        valid += Number(isIP(addr) === 6);
        if (!ipv6Shaped(addr)) {
          expect(isIP(addr)).not.toBe(6);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(valid).toBeGreaterThan(100);
    expect(ipv6Shaped('53:6e:2f:11:aa:bb')).toBe(false);
    expect(ipv6Shaped('2001:db8:0:0:0:0:2:1')).toBe(true);
  });
});
