import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * The one form of an e-mail address that data stores are searched with: trimmed, lower-cased,
 * its domain in IDNA ASCII form (punycode). Returns undefined for text that cannot be an address
 * (malformed Unicode such as a lone surrogate, no `@`, a domain IDNA refuses). The local part is
 * kept as given apart from case: no Unicode normalisation, so a decomposed `a` + combining mark
 * stays a different address from the precomposed letter, as it is to a mail server.
 */
export function normaliseEmail(raw: string): string | undefined {
  if (!isWellFormedUnicode(raw)) {
    return undefined;
  }
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) {
    return undefined;
  }
  const local = trimmed.slice(0, at).toLowerCase();
  const domain = domainToASCII(trimmed.slice(at + 1));
  if (domain === '') {
    return undefined;
  }
  return `${local}@${domain}`;
}

/** In `u` mode a surrogate pair is one code point, so this class matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** No lone surrogate: the text has one UTF-8 form (a driver would turn one into U+FFFD). */
export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * The spellings of a normalised address that name the same mailbox in a store: itself, and with
 * an internationalised domain also the domain's Unicode form (`gmäil.com` for
 * `xn--gmil-moa.com`), which stores that keep what the user typed hold.
 */
export function emailSpellings(normalised: string): string[] {
  const at = normalised.lastIndexOf('@');
  const domain = normalised.slice(at + 1);
  if (at < 0 || !/(^|\.)xn--/.test(domain)) {
    return [normalised];
  }
  const unicode = domainToUnicode(domain);
  return unicode && unicode !== domain
    ? [normalised, `${normalised.slice(0, at)}@${unicode}`]
    : [normalised];
}
