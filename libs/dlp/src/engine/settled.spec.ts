import fc from 'fast-check';
import { RECOGNIZERS } from '../recognizers';
import { DEFAULT_PHONE_REGIONS } from '../recognizers/phone.recognizer';
import { DEFAULT_MIN_SCORE, ENTITY_TYPES, type Finding } from '../types';
import { boost, hasContextBefore } from './context';
import { resolveOverlaps } from './overlap';
import type { RecognizerContext } from './recognizer';
import { scanText } from './scanner';

/** What scanText is defined to return: every recognizer over the whole text, nothing skipped. */
function unskipped(text: string, minScore: number): Finding[] {
  const ctx: RecognizerContext = {
    phone: { regions: DEFAULT_PHONE_REGIONS, leniency: 'VALID' },
    settled: () => [],
    mayBoost: () => true,
  };
  const raw: Finding[] = [];
  for (const entity of ENTITY_TYPES) {
    const recognizer = RECOGNIZERS[entity];
    const first = raw.length;
    recognizer.find(text, ctx, raw);
    for (let i = first; i < raw.length; i++) {
      if (raw[i].score < 1 && hasContextBefore(recognizer.context, text, raw[i].start)) {
        raw[i].score = boost(raw[i].score);
      }
    }
  }
  return resolveOverlaps(raw.filter((f) => f.score >= minScore));
}

/**
 * Numbers next to and inside cards, IBANs and IP addresses, with and without phone context
 * words near them: the places where the phone recognizer skips windows.
 */
const token = fc.oneof(
  fc.constantFrom(
    '10.1.2.3',
    '9.173.180.227',
    '62.172.175.113',
    '192.168.0.17',
    '2001:db8::1',
    '+14155550132',
    '+19145360487',
    '+44 20 7946 0958',
    '(415) 555-0132',
    '415 555 0132',
    '020 7946 0958',
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    'DE89 3704 0044 0532 0130 00',
    'phone',
    'Tel',
    '"contact":"',
    'call',
    'ip',
    'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod',
    'x',
  ),
  fc.stringMatching(/^\d{1,12}$/),
);
const separator = fc.constantFrom(' ', ' ', ', ', '. ', '-', '/', '\n', ': ', '');
const texts = fc
  .array(fc.tuple(token, separator), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

describe('skipped phone windows', () => {
  it('leave the findings as scanning every window gives', () => {
    fc.assert(
      fc.property(texts, fc.constantFrom(DEFAULT_MIN_SCORE, 0.1, 0.5), (text, minScore) => {
        expect(scanText(text, { minScore })).toEqual(unskipped(text, minScore));
      }),
      { numRuns: 400 },
    );
  });

  it('skip addresses only where no number can be boosted', () => {
    const ips = '9.173.180.227 62.172.175.113';
    const entities = (text: string) => scanText(text).map((f) => f.entity);
    // A context word just before makes both addresses phone numbers...
    expect(entities(`phone ${ips}`)).toEqual(['PHONE_NUMBER', 'PHONE_NUMBER']);
    // ...out of reach, it does not: the addresses stay, found without the matcher.
    expect(entities(`phone ${'lorem '.repeat(12)}${ips}`)).toEqual(['IP_ADDRESS', 'IP_ADDRESS']);
    // A boosted number elsewhere in the text brings the skipped window back.
    expect(entities(`call +14155550132 ${'lorem '.repeat(12)}${ips}`)).toEqual(
      unskipped(`call +14155550132 ${'lorem '.repeat(12)}${ips}`, DEFAULT_MIN_SCORE).map(
        (f) => f.entity,
      ),
    );
  });
});
