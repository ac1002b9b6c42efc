/**
 * Payment card issuer ranges (IIN prefixes and the lengths each network issues). A number
 * counts as a card only when one of them covers both its first digits and its length.
 */
interface IssuerRange {
  /** Inclusive range of the number's first `digits` digits. */
  from: number;
  to: number;
  digits: number;
  minLength: number;
  maxLength: number;
}

const range = (
  from: number,
  to: number,
  minLength: number,
  maxLength = minLength,
): IssuerRange => ({ from, to, digits: String(from).length, minLength, maxLength });

const RANGES: readonly IssuerRange[] = [
  range(4, 4, 13, 19), // Visa (13 historic, 16, 19)
  range(51, 55, 16), // Mastercard
  range(2221, 2720, 16), // Mastercard 2-series
  range(2200, 2204, 16, 19), // Mir
  range(34, 34, 15), // American Express
  range(37, 37, 15),
  range(300, 305, 14, 19), // Diners Club
  range(3095, 3095, 14, 19),
  range(36, 36, 14, 19),
  range(38, 39, 14, 19),
  range(3528, 3589, 16, 19), // JCB
  range(2131, 2131, 15), // JCB (old 15-digit ranges)
  range(1800, 1800, 15),
  range(1, 1, 15), // UATP
  range(6011, 6011, 16, 19), // Discover
  range(644, 649, 16, 19),
  range(65, 65, 16, 19),
  range(62, 62, 16, 19), // UnionPay
  range(60, 60, 16), // RuPay
  range(50, 50, 12, 19), // Maestro
  range(56, 58, 12, 19),
  range(6, 6, 12, 19), // Maestro (63, 67, 6304, 6759...) and other 6-series debit
];

/** Whether an issuer issues numbers of this length starting with these digits. */
export function cardIssued(digits: string): boolean {
  const length = digits.length;
  if (length < 4) {
    return false;
  }
  // The first one to four digits as numbers, read once: this runs for every run of groups.
  const heads = [0, 0, 0, 0, 0];
  for (let i = 1; i <= 4; i++) {
    heads[i] = heads[i - 1] * 10 + (digits.charCodeAt(i - 1) - 48);
  }
  for (const r of RANGES) {
    if (length >= r.minLength && length <= r.maxLength) {
      const head = heads[r.digits];
      if (head >= r.from && head <= r.to) {
        return true;
      }
    }
  }
  return false;
}

/** 12- and 13-digit numbers (Maestro, early Visa) are cards only when the text says so. */
export const SHORT_CARD_DIGITS = 13;
