import { scanText } from '../engine/scanner';
import { ENTITY_TYPES } from '../types';

/** Inputs built to make a backtracking pattern go quadratic or worse on each recognizer. */
const N = 50_000;
const ADVERSARIAL: Record<string, string> = {
  letters: 'a'.repeat(N),
  digits: '1'.repeat(N),
  spacedDigits: '1 '.repeat(N / 2),
  dashedDigits: '12-'.repeat(N / 3),
  hexColons: 'a:'.repeat(N / 2),
  dots: 'a.'.repeat(N / 2),
  atSigns: 'a@'.repeat(N / 2),
  emailish: `${'a'.repeat(N - 10)}@b.`,
  capitalised: 'Ab '.repeat(N / 3),
  keyword: 'password='.repeat(N / 9),
  base58: '1'.concat('A'.repeat(N)),
  jwtish: 'eyJ'.concat('a'.repeat(N)),
  pem: '-----BEGIN PRIVATE KEY-----'.concat('A'.repeat(N)),
  url: 'http://a.com/'.concat('a'.repeat(N)),
};

/**
 * Fastest of three runs: a pause of a busy machine is not the pattern's cost, while a backtracking
 * blow-up shows in every run.
 */
function fastestScanMs(text: string, entity: (typeof ENTITY_TYPES)[number]): number {
  let fastest = Infinity;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    scanText(text, { entities: [entity], minScore: 0 });
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

describe('linear-time patterns', () => {
  // PERSON loads its name lexicon on first use: a one-time cost the bound is not about.
  beforeAll(() => scanText('Dear Alice Smith', { entities: ['PERSON'] }));

  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    it(`scans 50k chars of ${name} well under a second per entity`, () => {
      for (const entity of ENTITY_TYPES) {
        expect({ entity, fast: fastestScanMs(text, entity) < 500 }).toEqual({ entity, fast: true });
      }
    });
  }
});
