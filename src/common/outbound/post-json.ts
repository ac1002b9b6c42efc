import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isPrivateAddress, namesPrivateHost } from './private-address';

/** A webhook whose host is, or resolves only to, an address private networks keep to themselves. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';

  constructor() {
    super('The address resolves to a private network');
  }
}

export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Whether the target may be loopback, private or link-local (a development receiver). */
  allowPrivateNetworks: boolean;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup that keeps only public addresses. The socket connects to an address this returned,
 * so a name that resolves to a public address when checked and a private one when connecting
 * (DNS rebinding) gains nothing.
 */
function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    const allowed = error ? [] : addresses.filter((a) => !isPrivateAddress(a.address));
    const failure = error ?? (allowed.length === 0 ? new PrivateAddressError() : null);
    if (failure) {
      callback(failure, options.all ? [] : '');
    } else if (options.all) {
      callback(null, allowed);
    } else {
      callback(null, allowed[0].address, allowed[0].family);
    }
  });
}

/**
 * POSTs a JSON body and resolves with the response status (the body is discarded); redirects are
 * not followed. Unless private networks are allowed, hosts on them are refused before any
 * connection, whether written as an address or resolved from a name.
 */
export function postJson(url: string, body: string, options: PostJsonOptions): Promise<number> {
  const target = new URL(url);
  if (!options.allowPrivateNetworks && namesPrivateHost(target)) {
    return Promise.reject(new PrivateAddressError());
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...options.headers,
        },
        lookup: options.allowPrivateNetworks ? undefined : publicLookup,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
