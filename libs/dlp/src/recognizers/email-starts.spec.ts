import fc from 'fast-check';
import { forEachMatchAt, stickyCopy } from '../engine/anchored-match';
import { forEachMatch } from '../engine/recognizer';
import { EMAIL, emailStarts } from './email.recognizer';

/** Text dense in the characters addresses are made of, and in those that end them. */
const texts = fc
  .array(fc.constantFrom(...'ab_Z9.-%+@@@ "\'<>x.co.uk', 'example', '.com', '_', 'é'), {
    maxLength: 60,
  })
  .map((p) => p.join(''));

const spans = (collect: (accept: (m: RegExpExecArray) => void) => void): string[] => {
  const out: string[] = [];
  collect((m) => out.push(`${m.index}:${m[0]}`));
  return out;
};

describe('emailStarts', () => {
  it('lets the anchored scan find exactly what the global scan finds', () => {
    const sticky = stickyCopy(EMAIL);
    fc.assert(
      fc.property(texts, (text) => {
        expect(spans((a) => forEachMatchAt(sticky, text, emailStarts(text), a))).toEqual(
          spans((a) => forEachMatch(EMAIL, text, a)),
        );
      }),
      { numRuns: 5_000 },
    );
  });
});
