import type { AddressInfo } from 'node:net';

/**
 * The URL to print once the server listens: the port actually bound (PORT=0 picks one), on
 * localhost when bound to every interface, as a person would type it.
 */
export function listeningUrl(address: AddressInfo | string | null, https: boolean): string {
  const scheme = https ? 'https' : 'http';
  if (address === null || typeof address === 'string') {
    return `${scheme}://${address ?? 'localhost'}`;
  }
  const wildcard = address.address === '::' || address.address === '0.0.0.0';
  const host = wildcard
    ? 'localhost'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address;
  return `${scheme}://${host}:${address.port}`;
}
