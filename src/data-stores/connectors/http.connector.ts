import { createHmac } from 'node:crypto';
import {
  HostNotAllowedError,
  type OutboundGuard,
  ResponseTooLargeError,
  sendRequest,
} from 'src/common/outbound/post-json';
import type { Correction, HttpConnection, Subject } from 'src/data-stores/data-store.types';
import type {
  CatalogueTable,
  CollectionErasure,
  CollectionExport,
  CollectionRectification,
  Connector,
  ConnectorCallContext,
  ConnectorTestResult,
  OptOutKind,
  RecordBatch,
} from './connector.interface';
import { StoreError } from './store-error';

type HttpRequestType = 'access' | 'erasure' | 'rectification' | OptOutKind;

export interface HttpStoreOptions {
  timeoutMs: number;
  /** Longest answer read; a longer one fails the call for good. */
  maxResponseBytes: number;
  /** Which hosts the store may be reached on; none: any. */
  guard?: OutboundGuard;
}

const STORE = 'http store';

/** A failure no retry can fix: the store's answer, or its address, is wrong. */
const permanent = (code: string, message: string): StoreError =>
  new StoreError('permanent', code, `${STORE}: ${message}`);

/**
 * A product backend: the service POSTs `{requestId, type, subject}` signed with HMAC-SHA-256 of
 * the raw body (`X-Signature: sha256=<hex>`) and reads the records or a count back. Requests go
 * through the guarded outbound client: no redirect is followed, only allowed hosts are reached,
 * and an answer is read up to a size limit. Whatever is not the contract's shape is refused whole,
 * so nothing of it reaches an export.
 */
export class HttpConnector implements Connector {
  constructor(
    private readonly connection: HttpConnection,
    private readonly options: HttpStoreOptions,
  ) {}

  async test(): Promise<ConnectorTestResult> {
    try {
      const res = await sendRequest(this.connection.url, {
        method: 'GET',
        timeoutMs: this.options.timeoutMs,
        guard: this.options.guard,
        maxResponseBytes: 0,
      });
      if (res.status >= 300 && res.status < 400) {
        return { ok: false, detail: `redirect not followed: HTTP ${res.status}` };
      }
      return { ok: res.status < 500, detail: `reachable: HTTP ${res.status}` };
    } catch (e) {
      if (e instanceof HostNotAllowedError) {
        return { ok: false, detail: 'host not allowed (DATA_STORE_ALLOWED_HOSTS)' };
      }
      return { ok: false, detail: `unreachable (${(e as Error).name})` };
    }
  }

  catalogue(): Promise<CatalogueTable[]> {
    return Promise.resolve([]);
  }

  async *export(subject: Subject, ctx: ConnectorCallContext): AsyncIterable<CollectionExport> {
    const collections = accessRecords(await this.call(ctx.requestId, 'access', subject));
    for (const [collection, records] of collections) {
      // The answer is in memory already: one batch.
      yield { collection, records: oneBatch(records) };
    }
  }

  async erase(subject: Subject, ctx: ConnectorCallContext): Promise<CollectionErasure[]> {
    const count = countOf(await this.call(ctx.requestId, 'erasure', subject));
    return [{ collection: '*', action: 'reported', rows: count }];
  }

  /** The backend gets every correction and answers how many records it changed. */
  async rectify(
    subject: Subject,
    corrections: Correction[],
    ctx: ConnectorCallContext,
  ): Promise<CollectionRectification[]> {
    const answer = await this.call(ctx.requestId, 'rectification', subject, corrections);
    return [{ collection: '*', action: 'reported', rows: countOf(answer) }];
  }

  async optOut(subject: Subject, kind: OptOutKind, ctx: ConnectorCallContext): Promise<number> {
    return countOf(await this.call(ctx.requestId, kind, subject));
  }

  sample(): Promise<unknown[]> {
    return Promise.resolve([]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async call(
    requestId: string,
    type: HttpRequestType,
    subject: Subject,
    corrections?: Correction[],
  ): Promise<unknown> {
    const raw = JSON.stringify(
      corrections ? { requestId, type, subject, corrections } : { requestId, type, subject },
    );
    const signature = createHmac('sha256', this.connection.secret).update(raw).digest('hex');
    let res;
    try {
      res = await sendRequest(this.connection.url, {
        method: 'POST',
        body: raw,
        headers: { 'x-signature': `sha256=${signature}` },
        timeoutMs: this.options.timeoutMs,
        guard: this.options.guard,
        maxResponseBytes: this.options.maxResponseBytes,
      });
    } catch (e) {
      if (e instanceof HostNotAllowedError) {
        throw permanent('host-not-allowed', 'host is not in DATA_STORE_ALLOWED_HOSTS');
      }
      if (e instanceof ResponseTooLargeError) {
        throw permanent(
          'answer-too-large',
          `answer exceeds DATA_STORE_MAX_RESPONSE_BYTES (${e.limit} bytes)`,
        );
      }
      throw e;
    }
    if (res.status >= 300 && res.status < 400) {
      throw permanent(
        'redirect',
        `answered a redirect (HTTP ${res.status}), which is not followed`,
      );
    }
    if (res.status !== 200) {
      // Refusals (a wrong secret, an unknown path) stay wrong on a retry; overload and outages pass.
      const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
      throw new StoreError(
        retryable ? 'transient' : 'permanent',
        `http-${res.status}`,
        `${STORE}: answered HTTP ${res.status}`,
      );
    }
    try {
      return JSON.parse(res.body.toString('utf8')) as unknown;
    } catch {
      throw permanent('not-json', 'answer is not JSON');
    }
  }
}

async function* oneBatch(records: RecordBatch): AsyncGenerator<RecordBatch> {
  yield records;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{data: {collection: [records]}}`, every record an object; checked whole before any is used. */
function accessRecords(body: unknown): Array<[string, RecordBatch]> {
  if (!isObject(body) || !isObject(body.data)) {
    throw permanent('wrong-shape', 'access answer is not {data: {collection: [records]}}');
  }
  const collections = Object.entries(body.data);
  for (const [, records] of collections) {
    if (!Array.isArray(records) || !records.every(isObject)) {
      throw permanent(
        'wrong-shape',
        'access answer holds a collection that is not a list of records',
      );
    }
  }
  return collections as Array<[string, RecordBatch]>;
}

/** `{count: n}` with n a non-negative integer. */
function countOf(body: unknown): number {
  const count = isObject(body) ? body.count : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw permanent('wrong-shape', 'answer is not {count: n}');
  }
  return count;
}
