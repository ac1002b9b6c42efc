import fc from 'fast-check';
import { forEachMatchAt, stickyCopy } from '../engine/anchored-match';
import { forEachMatch } from '../engine/recognizer';
import { URL_RE, urlStarts } from './url.recognizer';

/** Text dense in host names, schemes, paths and the characters around them. */
const texts = fc
  .array(
    fc.constantFrom(
      ...'ab-9._@/ :?#"',
      'example',
      '.com',
      '.co.uk',
      'https://',
      'ftp://',
      'www',
      '..',
    ),
    { maxLength: 30 },
  )
  .map((p) => p.join(''));

describe('urlStarts', () => {
  it('lets the anchored scan find exactly what the global scan finds', () => {
    const sticky = stickyCopy(URL_RE);
    const all = (collect: (accept: (m: RegExpExecArray) => void) => void): string[] => {
      const out: string[] = [];
      collect((m) => out.push(`${m.index}:${m[0]}`));
      return out;
    };
    fc.assert(
      fc.property(texts, (text) => {
        expect(all((a) => forEachMatchAt(sticky, text, urlStarts(text), a))).toEqual(
          all((a) => forEachMatch(URL_RE, text, a)),
        );
      }),
      { numRuns: 5_000 },
    );
    for (const text of ['see a.b.com now', 'x https://a.b.co.uk/p?q=1.', 'v1.2 and e.g. x.io']) {
      expect(all((a) => forEachMatchAt(sticky, text, urlStarts(text), a))).toEqual(
        all((a) => forEachMatch(URL_RE, text, a)),
      );
    }
  });
});
