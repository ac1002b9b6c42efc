import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { HostAllowList, normalizeHost } from './host-allow-list';
import { isPrivateAddress, namesPrivateHost } from './private-address';

/** A webhook whose host is, or resolves only to, an address private networks keep to themselves. */
export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';

  constructor() {
    super('The address resolves to a private network');
  }
}

/** A target whose host is not on the allow-list, by name nor by any address it resolves to. */
export class HostNotAllowedError extends Error {
  override readonly name = 'HostNotAllowedError';

  constructor() {
    super('The host is not on the allow-list');
  }
}

/** An answer longer than the caller takes; the connection is dropped as soon as that is known. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';

  constructor(readonly limit: number) {
    super(`The answer exceeds ${limit} bytes`);
  }
}

/**
 * Which hosts a request may reach. `host` judges the URL's host as written: `allowed` goes ahead,
 * `refused` stops before any connection, `by-address` resolves the name and keeps only the
 * addresses `address` accepts; the socket connects to one of those, so a name that resolves to
 * an accepted address when checked and another when connecting (DNS rebinding) gains nothing.
 */
export interface OutboundGuard {
  host(hostname: string): 'allowed' | 'refused' | 'by-address';
  address(address: string): boolean;
  refusal(): Error;
}

/** Webhooks: anything but loopback, private, link-local and reserved addresses. */
export const PUBLIC_NETWORKS_ONLY: OutboundGuard = {
  host: (hostname) => (namesPrivateHost(new URL(`http://${hostname}`)) ? 'refused' : 'by-address'),
  address: (address) => !isPrivateAddress(address),
  refusal: () => new PrivateAddressError(),
};

/** Data stores: only listed host names, and names or addresses in listed ranges. */
export function allowListGuard(list: HostAllowList): OutboundGuard {
  return {
    host: (hostname) => {
      if (list.allowsHost(hostname)) {
        return 'allowed';
      }
      return isIP(normalizeHost(hostname)) !== 0 ? 'refused' : 'by-address';
    },
    address: (address) => list.allowsAddress(address),
    refusal: () => new HostNotAllowedError(),
  };
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A DNS lookup that hands the socket only addresses the guard accepts. */
function guardedLookup(guard: OutboundGuard) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      const allowed = error ? [] : addresses.filter((a) => guard.address(a.address));
      const failure = error ?? (allowed.length === 0 ? guard.refusal() : null);
      if (failure) {
        callback(failure, options.all ? [] : '');
      } else if (options.all) {
        callback(null, allowed);
      } else {
        callback(null, allowed[0].address, allowed[0].family);
      }
    });
  };
}

/**
 * Keep-alive pools per guard. A pooled socket was connected under the same guard, either to a
 * host it allows by name or to an address its lookup accepted, so reusing it checks nothing
 * less than a new connection would; a pool shared between guards would let one guard's socket
 * serve another's host. The idle timeout is Node's default agent's.
 */
const guardedAgents = new WeakMap<OutboundGuard, { http: HttpAgent; https: HttpsAgent }>();

function agentFor(guard: OutboundGuard, https: boolean): HttpAgent {
  let agents = guardedAgents.get(guard);
  if (!agents) {
    agents = {
      http: new HttpAgent({ keepAlive: true, timeout: 5000 }),
      https: new HttpsAgent({ keepAlive: true, timeout: 5000 }),
    };
    guardedAgents.set(guard, agents);
  }
  return https ? agents.https : agents.http;
}

/**
 * Whether the guard lets `url` be reached, resolving the name when that decides it; for checks
 * made before a request is ever sent (registration). Rejects when the name does not resolve.
 */
export function checkTarget(url: string, guard: OutboundGuard): Promise<boolean> {
  const hostname = new URL(url).hostname;
  const verdict = guard.host(hostname);
  if (verdict !== 'by-address') {
    return Promise.resolve(verdict === 'allowed');
  }
  return new Promise((resolve, reject) =>
    dnsLookup(normalizeHost(hostname), { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.some((a) => guard.address(a.address))),
    ),
  );
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  /** A JSON text, sent as application/json. */
  body?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** No guard: any host (a development receiver, or a check made elsewhere). */
  guard?: OutboundGuard;
  /** The answer's body is read up to this many bytes, then refused; 0 discards it unread. */
  maxResponseBytes: number;
}

export interface OutboundResponse {
  status: number;
  body: Buffer;
}

/** Reads at most `limit` bytes; a longer body (announced or sent) rejects and drops the socket. */
function readBody(res: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      res.destroy();
      reject(new ResponseTooLargeError(limit));
    };
    if (Number(res.headers['content-length'] ?? 0) > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge();
      } else {
        chunks.push(chunk);
      }
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    // A body cut off (the timeout aborting the request, the peer closing) settles as an error.
    res.on('close', () => {
      if (!res.complete) {
        reject(Object.assign(new Error('The answer was cut off'), { name: 'AbortError' }));
      }
    });
  });
}

/** A URL as a request needs it: its host, and the request options Node derives from it. */
interface Target {
  hostname: string;
  https: boolean;
  options: Readonly<RequestOptions>;
}

/**
 * Targets by URL. A store or webhook is called at the same URL again and again, and Node parses
 * a URL given to `request` and turns it into options on every call (a tenth of a store call's
 * CPU); kept here, they are made once. Bounded: emptied when full.
 */
const targets = new Map<string, Target>();
const MAX_TARGETS = 1000;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = {
      hostname: parsed.hostname,
      https: parsed.protocol === 'https:',
      options: urlToHttpOptions(parsed),
    };
    if (targets.size >= MAX_TARGETS) {
      targets.clear();
    }
    targets.set(url, target);
  }
  return target;
}

/**
 * One HTTP request and its answer. Redirects are never followed: a 3xx is handed back as it is.
 * With a guard, a refused host fails before any connection, whether written as an address or
 * resolved from a name.
 */
export function sendRequest(url: string, options: OutboundRequest): Promise<OutboundResponse> {
  const target = targetOf(url);
  const guard = options.guard;
  const verdict = guard?.host(target.hostname) ?? 'allowed';
  if (guard && verdict === 'refused') {
    return Promise.reject(guard.refusal());
  }
  const https = target.https;
  const send = https ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = send(
      {
        // The kept options with this call's own, in a new object: the kept ones never change.
        ...target.options,
        method: options.method,
        headers,
        lookup: guard && verdict === 'by-address' ? guardedLookup(guard) : undefined,
        agent: guard ? agentFor(guard, https) : undefined,
      },
      (res) => {
        // Until the answer is read or dropped, the deadline still holds.
        res.once('close', () => clearTimeout(deadline));
        const status = res.statusCode ?? 0;
        if (options.maxResponseBytes === 0) {
          res.resume();
          resolve({ status, body: Buffer.alloc(0) });
          return;
        }
        readBody(res, options.maxResponseBytes).then((body) => resolve({ status, body }), reject);
      },
    );
    // A plain timer rather than `AbortSignal.timeout`, which cost about 25 µs more per request
    // (its signal and listeners, and a timer left to fire after every answer).
    const deadline = setTimeout(() => req.destroy(timedOut()), options.timeoutMs).unref();
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(options.body);
  });
}

/** What the request fails with when its time is up: named as an aborted fetch is. */
function timedOut(): Error {
  return Object.assign(new Error('The request timed out'), { name: 'AbortError' });
}

export interface PostJsonOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Whether the target may be loopback, private or link-local (a development receiver). */
  allowPrivateNetworks: boolean;
}

/**
 * POSTs a JSON body and resolves with the response status (the body is discarded); redirects are
 * not followed. Unless private networks are allowed, hosts on them are refused before any
 * connection, whether written as an address or resolved from a name.
 */
export async function postJson(
  url: string,
  body: string,
  options: PostJsonOptions,
): Promise<number> {
  const res = await sendRequest(url, {
    method: 'POST',
    body,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    guard: options.allowPrivateNetworks ? undefined : PUBLIC_NETWORKS_ONLY,
    maxResponseBytes: 0,
  });
  return res.status;
}
