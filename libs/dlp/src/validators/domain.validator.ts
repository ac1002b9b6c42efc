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

/**
 * Top-level names reserved for examples, documentation and tests (RFC 2606, RFC 6761): no public
 * suffix list holds them, yet test and staging data is full of `user1@shop.test`. The
 * second-level `example.com/.net/.org` are ordinary ICANN names and pass {@link hasPublicSuffix}.
 */
const RESERVED_TLDS = new Set(['test', 'example', 'invalid', 'localhost']);

/** True for a name under a reserved top-level name with at least one label in front of it. */
export function isReservedExampleDomain(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  return labels.length >= 2 && labels[0] !== '' && RESERVED_TLDS.has(labels[labels.length - 1]);
}
