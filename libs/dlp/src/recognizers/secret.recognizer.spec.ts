import fc from 'fast-check';
import { TOKEN_HINT } from './secret.recognizer';

/** The token prefixes as plain literals: what the hint must find, and nothing else. */
const PREFIXES =
  /AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|AIza|gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|cbt|oas)-|xox[abposr]-|hooks\.slack|_live_|_test_|whsec_|eyJ|-----BEGIN/;

/** Every prefix spelt out, and its halves, so random texts hold near misses and hits. */
const SPELT = [
  ...['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'ANPA', 'ANVA', 'AIPA', 'AIza'],
  ...[...'pousr'].map((c) => `gh${c}_`),
  ...['pat', 'dt', 'rt', 'ptt', 'cbt', 'oas'].map((c) => `gl${c}-`),
  ...[...'abposr'].map((c) => `xox${c}-`),
  ...['github_pat_', 'hooks.slack', '_live_', '_test_', 'whsec_', 'eyJ', '-----BEGIN'],
];
const PIECES = [
  ...SPELT,
  ...SPELT.flatMap((p) => [p.slice(0, p.length >> 1), p.slice(p.length >> 1)]),
  ...[' ', 'x', '0', 'é', 'A', '_', '-', '.', 'J'],
];

describe('TOKEN_HINT', () => {
  it('passes exactly on texts holding a token prefix', () => {
    let hits = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const expected = PREFIXES.test(text);
        hits += expected ? 1 : 0;
        expect([text, TOKEN_HINT.test(text)]).toEqual([text, expected]);
      }),
      { numRuns: 20_000 },
    );
    expect(hits).toBeGreaterThan(2_000);
  });
});
