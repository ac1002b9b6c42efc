import fc from 'fast-check';
import { normaliseEmail } from 'src/data-stores/identity/email-normaliser';

const ACCENTED: Record<string, string> = { a: 'ä', e: 'é', i: 'í', o: 'ö', u: 'ü', n: 'ñ', c: 'ç' };
const CYRILLIC: Record<string, string> = {
  a: '\u0430',
  e: '\u0435',
  o: '\u043e',
  p: '\u0440',
  c: '\u0441',
  x: '\u0445',
  y: '\u0443',
};
/** Letters whose Unicode case mapping lands on an ASCII letter. */
const CASE_TRAPS: Record<string, string> = { k: '\u212a', i: '\u0130', s: '\u017f' };

function eachPosition(value: string, change: (ch: string) => string | undefined): string[] {
  const chars = [...value];
  const out: string[] = [];
  chars.forEach((ch, i) => {
    const to = change(ch);
    if (to !== undefined && to !== ch) {
      out.push([...chars.slice(0, i), to, ...chars.slice(i + 1)].join(''));
    }
  });
  return out;
}

/**
 * Values a careless comparison takes for `value` and that are a different identifier: accents
 * added or taken away, full-width forms, Cyrillic and other homoglyphs, dotless ı, ß and ss,
 * combining marks, composed and decomposed forms, spaces around it, invisible characters, and
 * upper-case forms of non-ASCII letters.
 */
export function lookAlikes(value: string): string[] {
  const out = new Set<string>([
    ...eachPosition(value, (ch) => ACCENTED[ch]),
    ...eachPosition(value, (ch) => CYRILLIC[ch]),
    ...eachPosition(value, (ch) => CASE_TRAPS[ch.toLowerCase()]),
    ...eachPosition(value, (ch) => (ch === 'i' ? '\u0131' : undefined)),
    ...eachPosition(value, (ch) =>
      ch >= '!' && ch <= '~' ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : undefined,
    ),
    ...eachPosition(value, (ch) =>
      (ch.codePointAt(0) ?? 0) > 0x7f ? ch.toUpperCase() : undefined,
    ),
    ...eachPosition(value, (ch) => (/[a-z]/.test(ch) ? `${ch}\u0301` : undefined)),
    value.normalize('NFD').replace(/\p{M}/gu, ''),
    value.normalize('NFD'),
    value.normalize('NFC'),
    value.replace(/ss/g, 'ß'),
    value.replace(/ß/g, 'ss'),
    value.replace(/s/, 'ß'),
    `${value} `,
    ` ${value}`,
    `${value}\u00a0`,
    `${value}\t`,
    `${value.slice(0, 1)}\u200b${value.slice(1)}`,
  ]);
  out.delete(value);
  return [...out];
}

/** The same identifier with some ASCII letters in upper case. */
export function asciiCaseVariants(value: string): string[] {
  const out = new Set<string>([
    value.replace(/[a-z]/g, (c) => c.toUpperCase()),
    value.replace(/[a-z]/, (c) => c.toUpperCase()),
    ...eachPosition(value, (ch) => (/[a-z]/.test(ch) ? ch.toUpperCase() : undefined)).slice(0, 3),
  ]);
  out.delete(value);
  return [...out];
}

const LOCAL_CHARS = [...'abcdeikmnopsuxyz019._+-', 'ä', 'ö', 'ß', 'ñ', 'é', 'ı', 'e\u0301', '😀'];
const DOMAINS = ['example.com', 'gmail.com', 'kiss.de', 'xn--gmil-moa.com', 'mail.co.uk'];

/** Normalised e-mail addresses, ASCII and not, as intake hands them over. */
export const emailAddresses = fc
  .tuple(
    fc.array(fc.constantFrom(...LOCAL_CHARS), { minLength: 1, maxLength: 12 }),
    fc.constantFrom(...DOMAINS),
  )
  .map(([local, domain]) => normaliseEmail(`${local.join('')}@${domain}`))
  .filter((e): e is string => e !== undefined);

/** Text identifiers (customer numbers, phone numbers) as a backend sends them. */
export const textIdentifiers = fc
  .array(fc.constantFrom(...'abcikosxyz0123456789-+ ', 'ä', 'ß', 'ı'), {
    minLength: 1,
    maxLength: 16,
  })
  .map((chars) => chars.join('').trim())
  .filter((v) => v.length > 0);

/** Spellings of an integer that are not its canonical form. */
export function integerLookAlikes(n: number): string[] {
  const s = String(n);
  return [
    `${s}abc`,
    ` ${s}`,
    `${s} `,
    `0${s}`,
    `${s}.0`,
    `+${s}`,
    `${s}e0`,
    `0x${n.toString(16)}`,
    [...s].map((d) => String.fromCharCode(0xff10 + Number(d))).join(''),
    [...s].map((d) => String.fromCharCode(0x0660 + Number(d))).join(''),
    `${s}\u0000`,
  ];
}
