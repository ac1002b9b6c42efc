import fc from 'fast-check';
import type { RecognizerContext } from '../engine/recognizer';
import { scanText } from '../engine/scanner';
import type { Finding } from '../types';
import { creditCardRecognizer } from './credit-card.recognizer';
import { luhnValid } from '../validators/luhn.validator';
import { frInseeValid } from '../validators/national-id.validators';

const cards = (text: string): string[] =>
  scanText(text, { entities: ['CREDIT_CARD'] }).map((f) => text.slice(f.start, f.end));
const all = (text: string): string[] =>
  scanText(text).map((f) => `${f.entity}:${text.slice(f.start, f.end)}`);

/** `prefix` and random digits to `length`, with the Luhn check digit last. */
const cardNumber = (prefixes: string[], lengths: number[]) =>
  fc
    .tuple(
      fc.constantFrom(...prefixes),
      fc.constantFrom(...lengths),
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }),
    )
    .map(([prefix, length, digits]) => {
      const body = (prefix + digits.join('')).slice(0, length - 1);
      const check = [...'0123456789'].find((c) => luhnValid(body + c)) ?? '0';
      return body + check;
    });

const inFours = (n: string): string => n.replace(/(\d{4})(?=\d)/g, '$1 ');

describe('credit card recognizer', () => {
  it('finds 19-digit Visa numbers, in one block or in groups', () => {
    expect(cards('card 4000 0000 0000 0000 006')).toEqual(['4000 0000 0000 0000 006']);
    expect(cards('paid with 4000000000000000006 today')).toEqual(['4000000000000000006']);
  });

  it('finds 15-digit JCB numbers from 2131 and 1800', () => {
    expect(cards('JCB 213100000000001')).toEqual(['213100000000001']);
    expect(cards('old JCB 1800-000000-00002')).toEqual(['1800-000000-00002']);
  });

  it('reports 12- and 13-digit numbers only next to card context', () => {
    expect(cards('Maestro card number 6304 1234 5674')).toEqual(['6304 1234 5674']);
    expect(cards('ticket 6304 1234 5674')).toEqual([]);
    expect(cards('visa 4222222222222')).toEqual(['4222222222222']);
    expect(cards('order 4222222222222')).toEqual([]);
  });

  it('keeps a Luhn-valid number outside every issuer range out', () => {
    expect(cards('ref 9000 0000 0000 0008')).toEqual([]);
  });

  it('does not take a card for a phone number or a phone number for a card', () => {
    expect(all('card 6759 6498 2643 8453 or call 06 12 34 56 78')).toEqual([
      'CREDIT_CARD:6759 6498 2643 8453',
      'PHONE_NUMBER:06 12 34 56 78',
    ]);
  });

  it('takes a valid French social security number for one, not for a UATP card', () => {
    expect(all('numéro de sécurité sociale 269054958815780')).toEqual(['FR_INSEE:269054958815780']);
  });

  it('finds every Luhn-valid number of an issuer range, grouped in fours or not', () => {
    const issued = fc
      .oneof(
        cardNumber(['4'], [16, 19]),
        cardNumber(['51', '55', '2221', '2720'], [16]),
        cardNumber(['34', '37', '2131', '1800'], [15]),
        cardNumber(
          ['6011', '65', '3528', '62', '50', '56', '58', '63', '67', '6304'],
          [16, 17, 18, 19],
        ),
        cardNumber(['36', '300'], [14]),
        // A 15-digit number from 1 that is also a valid French NIR needs card context.
      )
      .filter((n) => !frInseeValid(n));
    fc.assert(
      fc.property(issued, fc.boolean(), (n, grouped) => {
        const value = grouped ? inFours(n) : n;
        expect(cards(`pay ${value} now`)).toEqual([value]);
      }),
    );
  });

  it('never reports a number whose Luhn check fails', () => {
    fc.assert(
      fc.property(cardNumber(['4', '51', '6304', '3528'], [16, 19]), (n) => {
        const last = Number(n[n.length - 1]);
        const broken = n.slice(0, -1) + String((last + 1) % 10);
        expect(cards(`card ${broken}`)).toEqual([]);
      }),
    );
  });

  it('is asked to search every text where it finds a card, however the digits are grouped', () => {
    const ctx: RecognizerContext = {
      phone: { regions: [], leniency: 'VALID' },
      settled: () => [],
      mayBoost: () => true,
    };
    const grouped = fc
      .tuple(
        fc.oneof(cardNumber(['4', '51', '6304', '2131'], [12, 13, 15, 16, 19])),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(' ', '-'),
        fc.constantFrom('', 'card ', '12 ', 'x'),
      )
      .map(([digits, sizes, sep, before]) => {
        const groups: string[] = [];
        for (let at = 0, i = 0; at < digits.length; i++) {
          const size = sizes[i % sizes.length];
          groups.push(digits.slice(at, at + size));
          at += size;
        }
        return `${before}${groups.join(sep)}`;
      });
    let found = 0;
    fc.assert(
      fc.property(grouped, (text) => {
        const out: Finding[] = [];
        creditCardRecognizer.find(text, ctx, out);
        if (out.length > 0) {
          found++;
          expect([text, creditCardRecognizer.mayMatch(text)]).toEqual([text, true]);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(found).toBeGreaterThan(1_000);
  });
});
