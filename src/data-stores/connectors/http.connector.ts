import { createHmac } from 'node:crypto';
import type { HttpConnection, Subject } from 'src/data-stores/data-store.types';
import type {
  CatalogueTable,
  CollectionErasure,
  CollectionExport,
  Connector,
  ConnectorCallContext,
  ConnectorTestResult,
  OptOutKind,
  RecordBatch,
} from './connector.interface';
import { StoreError } from './store-error';

type HttpRequestType = 'access' | 'erasure' | OptOutKind;

/** The store's answer is not the contract's; retried like any store failure. */
export class HttpStoreError extends StoreError {
  constructor(message: string) {
    super('transient', 'http-answer', message);
  }
}

/**
 * A product backend: the service POSTs `{requestId, type, subject}` signed with HMAC-SHA-256 of
 * the raw body (`X-Signature: sha256=<hex>`) and reads the records or a count back.
 */
export class HttpConnector implements Connector {
  constructor(
    private readonly connection: HttpConnection,
    private readonly timeoutMs: number,
  ) {}

  async test(): Promise<ConnectorTestResult> {
    try {
      const res = await fetch(this.connection.url, {
        method: 'GET',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body?.cancel();
      return { ok: res.status < 500, detail: `reachable: HTTP ${res.status}` };
    } catch (e) {
      return { ok: false, detail: `unreachable (${(e as Error).name})` };
    }
  }

  catalogue(): Promise<CatalogueTable[]> {
    return Promise.resolve([]);
  }

  async *export(subject: Subject, ctx: ConnectorCallContext): AsyncIterable<CollectionExport> {
    const body = await this.call(ctx.requestId, 'access', subject);
    const data = (body as { data?: unknown }).data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new HttpStoreError('access answer has no data object');
    }
    for (const [collection, records] of Object.entries(data as Record<string, unknown>)) {
      if (!Array.isArray(records)) {
        throw new HttpStoreError('access answer holds a collection that is not a list');
      }
      // The answer is in memory already: one batch.
      yield { collection, records: oneBatch(records as RecordBatch) };
    }
  }

  async erase(subject: Subject, ctx: ConnectorCallContext): Promise<CollectionErasure[]> {
    const count = countOf(await this.call(ctx.requestId, 'erasure', subject));
    return [{ collection: '*', action: 'reported', rows: count }];
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

  private async call(requestId: string, type: HttpRequestType, subject: Subject): Promise<unknown> {
    const raw = JSON.stringify({ requestId, type, subject });
    const signature = createHmac('sha256', this.connection.secret).update(raw).digest('hex');
    const res = await fetch(this.connection.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
      body: raw,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new HttpStoreError(`store answered HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch {
      throw new HttpStoreError('store answered with a body that is not JSON');
    }
  }
}

async function* oneBatch(records: RecordBatch): AsyncGenerator<RecordBatch> {
  yield records;
}

function countOf(body: unknown): number {
  const count = (body as { count?: unknown }).count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new HttpStoreError('store answer has no count');
  }
  return count;
}
