import { parse } from 'tldts';

/**
 * True when `host` ends in an ICANN public suffix and has a registrable label in front of it
 * ("example.co.uk" yes, "co.uk" and "localhost" no). A leading "www." does not count as a label.
 */
export function hasPublicSuffix(host: string): boolean {
  const h = host.toLowerCase().replace(/^www\./, '');
  const r = parse(h, { allowPrivateDomains: false });
  return r.isIcann === true && r.domain !== null && r.publicSuffix !== null && r.publicSuffix !== h;
}
