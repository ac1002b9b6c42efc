import { findNumbers, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import type { PhoneLeniency } from '../types';
import { forEachMatch, type Recognizer } from '../engine/recognizer';

/** Presidio's default regions, with GB for its "UK" (which libphonenumber does not know). */
export const DEFAULT_PHONE_REGIONS: readonly string[] = ['US', 'GB', 'DE', 'IL', 'IN', 'CA', 'BR'];

/**
 * Prefilter: a run of digits and phone punctuation. Only runs holding enough digits, and not
 * shaped like a date or a dotted IP, go to libphonenumber, whose matcher is the slow part.
 */
const CANDIDATE = /[+(]?\d[\d ().\/\u2013-]{4,40}\d/g;
const NOT_PHONE = /^(?:\d{4}[-/.]\d\d?[-/.]\d\d?|\d\d?[-/.]\d\d?[-/.]\d{4}|\d{1,3}(?:\.\d{1,3}){3})$/;
const CONTEXT_CHARS = 3;
const NON_DIGITS = /\D+/;

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n++;
    }
  }
  return n;
}

/** National significant number groups as libphonenumber formats them ("+1 415 555 0132" → 415, 555, 0132). */
function formattedGroups(number: PhoneNumber): string[] {
  return number.formatInternational().split(NON_DIGITS).filter(Boolean).slice(1);
}

/** libphonenumber's STRICT_GROUPING: no formatted group is split apart in the text. */
function groupsRemainGrouped(number: PhoneNumber, candidate: string): boolean {
  const groups = formattedGroups(number);
  let from = 0;
  const cc = number.countryCallingCode;
  if (candidate.trimStart().startsWith('+') || candidate.replace(/\D/g, '').startsWith(cc + number.nationalNumber)) {
    from = candidate.indexOf(cc) + cc.length;
  }
  for (const g of groups) {
    const at = candidate.indexOf(g, from);
    if (at < 0) {
      return false;
    }
    from = at + g.length;
  }
  return true;
}

/** libphonenumber's EXACT_GROUPING: the text groups equal the formatted ones, or form one block. */
function groupsExactlyPresent(number: PhoneNumber, candidate: string): boolean {
  const candidateGroups = candidate.split(NON_DIGITS).filter(Boolean);
  let ci = candidateGroups.length - 1;
  if (candidateGroups.length === 1 || candidateGroups[ci].includes(number.nationalNumber)) {
    return true;
  }
  const groups = formattedGroups(number);
  for (let fi = groups.length - 1; fi > 0 && ci >= 0; fi--, ci--) {
    if (candidateGroups[ci] !== groups[fi]) {
      return false;
    }
  }
  return ci >= 0 && candidateGroups[ci].endsWith(groups[0]);
}

function accepted(number: PhoneNumber, candidate: string, leniency: PhoneLeniency): boolean {
  switch (leniency) {
    case 'POSSIBLE':
    case 'VALID':
      return true;
    case 'STRICT_GROUPING':
      return groupsRemainGrouped(number, candidate);
    case 'EXACT_GROUPING':
      return groupsRemainGrouped(number, candidate) && groupsExactlyPresent(number, candidate);
  }
}

export const phoneRecognizer: Recognizer = {
  entity: 'PHONE_NUMBER',
  context: ['phone', 'telephone', 'tel', 'mobile', 'cell', 'call', 'fax', 'contact', 'number', 'whatsapp'],
  mayMatch: () => true,
  find(text, ctx, out) {
    const { regions, leniency } = ctx.phone;
    const libLeniency = leniency === 'POSSIBLE' ? 'POSSIBLE' : 'VALID';
    const seen = new Set<number>();
    forEachMatch(CANDIDATE, text, (m) => {
      const digits = digitCount(m[0]);
      if (digits < 6 || digits > 17 || NOT_PHONE.test(m[0])) {
        return;
      }
      const from = Math.max(0, m.index - CONTEXT_CHARS);
      const window = text.slice(from, m.index + m[0].length + CONTEXT_CHARS);
      const tryRegions = m[0].startsWith('+') ? [undefined] : regions;
      for (const region of tryRegions) {
        const found = findNumbers(window, {
          defaultCountry: region as CountryCode | undefined,
          v2: true,
          leniency: libLeniency,
        } as { defaultCountry?: CountryCode; v2: true });
        for (const f of found) {
          const start = from + f.startsAt;
          const end = from + f.endsAt;
          const key = start * 65536 + (end - start);
          if (seen.has(key) || !accepted(f.number, text.slice(start, end), leniency)) {
            continue;
          }
          seen.add(key);
          out.push({ entity: 'PHONE_NUMBER', start, end, score: 0.4 });
        }
      }
    });
  },
};
