import fc from 'fast-check';
import { CUE_HINT, HONORIFIC_HINT } from './person.recognizer';

/** The hints in their plain form: what each must find, and nothing else. */
const PLAIN_HONORIFIC = /(?:M[rsx]|Mrs|Miss|Dr|Prof|Sir|Dame|Lady|Lord|Rev)\b/;
const PLAIN_CUE = /\b(?:name|i am|i'm|im|call me|this is)[ \t]/i;

/** Texts joined from pieces holding the words, their halves and what ends or glues a word. */
function expectSameAnswers(hint: RegExp, plain: RegExp, words: string[]): void {
  const pieces = [
    ...words,
    ...words.map((w) => w.toUpperCase()),
    ...words.flatMap((w) => [w.slice(0, w.length >> 1), w.slice(w.length >> 1)]),
    ...[' ', 'x', 'X', '0', '_', '.', "'", 'é', 'É', 's', 'e', 'm', '\n', '\t'],
  ];
  let hits = 0;
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), (parts) => {
      const text = parts.join('');
      const expected = plain.test(text);
      hits += expected ? 1 : 0;
      expect([text, hint.test(text)]).toEqual([text, expected]);
    }),
    { numRuns: 20_000 },
  );
  expect(hits).toBeGreaterThan(2_000);
}

describe('person hints', () => {
  it('HONORIFIC_HINT passes exactly on texts holding an honorific word', () => {
    expectSameAnswers(HONORIFIC_HINT, PLAIN_HONORIFIC, [
      ...['Mr', 'Ms', 'Mx', 'Mrs', 'Miss', 'Dr', 'Prof', 'Sir', 'Dame', 'Lady', 'Lord', 'Rev'],
      ...['Mrx', 'Dre', 'Sirs', 'Ladyx'],
    ]);
  });

  it('CUE_HINT passes exactly on texts holding a lower-case name cue and a space', () => {
    expectSameAnswers(CUE_HINT, PLAIN_CUE, [
      ...['name', 'i am', "i'm", 'im', 'call me', 'this is', 'my name is'],
      ...['names', 'him', 'aim', 'this isle', 'came'],
    ]);
  });
});
