import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CryptoError } from '../../errors/crypto-error';
import type { FieldBatchReply, FieldBatchRequest } from './field-batch.protocol';
import type { OpenBatch, SealBatch } from './field-batch.work';

interface Pending {
  resolve(values: string[]): void;
  reject(error: unknown): void;
}

interface Thread {
  readonly worker: Worker;
  online: boolean;
  readonly pending: Map<number, Pending>;
}

/** A batch's thread stopped before answering; the batch may be run again inline. */
export class CryptoThreadLost extends Error {
  override readonly name = 'CryptoThreadLost';
}

const ENTRY = join(__dirname, `field-batch.worker${extname(__filename)}`);

/** From sources (tests, benchmarks), a thread compiles the worker as its parent does. */
function workerExecArgv(): string[] | undefined {
  if (!ENTRY.endsWith('.ts') || process.execArgv.some((arg) => arg.includes('ts-node'))) {
    return undefined;
  }
  return [...process.execArgv, '-r', 'ts-node/register/transpile-only'];
}

/** A standalone copy: a view's whole buffer would otherwise be cloned, pooled neighbours too. */
function own(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * Threads that seal and open large field batches off the event loop, so that a 1,000-field call
 * neither stalls the requests behind it nor leaves the machine's other cores idle. Threads start
 * on first use and take batches once online; until then `seal` and `open` answer undefined and
 * callers work inline. A batch whose thread stops fails with CryptoThreadLost, and the next call
 * starts a fresh thread. Keys travel as transferred copies, zeroed by the thread after the batch.
 */
export class FieldBatchThreads {
  private readonly threads: (Thread | undefined)[];
  private nextId = 1;

  /** `onLost` hears of each thread that stopped other than by close(); it carries no values. */
  constructor(
    size: number,
    private readonly onLost?: (error: CryptoThreadLost) => void,
  ) {
    this.threads = new Array<Thread | undefined>(size).fill(undefined);
  }

  /** Whether a thread is online now; starts the missing ones. */
  ready(): boolean {
    return this.pick() !== undefined;
  }

  /** The sealed values, or undefined when no thread is online yet. */
  seal(batch: SealBatch): Promise<string[]> | undefined {
    const thread = this.pick();
    if (thread === undefined) {
      return undefined;
    }
    const key = own(batch.key);
    const seal = { key, header: own(batch.header), aad: own(batch.aad), values: batch.values };
    return this.send(thread, { id: this.nextId++, seal }, [key.buffer as ArrayBuffer]);
  }

  /** The opened values, or undefined when no thread is online yet. */
  open(batch: OpenBatch): Promise<string[]> | undefined {
    const thread = this.pick();
    if (thread === undefined) {
      return undefined;
    }
    const keys = batch.keys.map(({ header, key, aad }) => ({
      header: own(header),
      key: own(key),
      aad: own(aad),
    }));
    return this.send(
      thread,
      { id: this.nextId++, open: { keys, texts: batch.texts } },
      keys.map(({ key }) => key.buffer as ArrayBuffer),
    );
  }

  async close(): Promise<void> {
    const running = this.threads.filter((thread): thread is Thread => thread !== undefined);
    this.threads.fill(undefined);
    await Promise.all(running.map((thread) => thread.worker.terminate()));
  }

  /** The online thread with the fewest batches out; starts the missing ones. */
  private pick(): Thread | undefined {
    let chosen: Thread | undefined;
    for (let i = 0; i < this.threads.length; i += 1) {
      const thread = this.threads[i] ?? this.spawn(i);
      if (thread.online && (chosen === undefined || thread.pending.size < chosen.pending.size)) {
        chosen = thread;
      }
    }
    return chosen;
  }

  private send(
    thread: Thread,
    request: FieldBatchRequest,
    transfer: ArrayBuffer[],
  ): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      if (thread.pending.size === 0) {
        // Keeps the process alive while a batch is out, and only then.
        thread.worker.ref();
      }
      thread.pending.set(request.id, { resolve, reject });
      thread.worker.postMessage(request, transfer);
    });
  }

  private spawn(index: number): Thread {
    const worker = new Worker(ENTRY, { execArgv: workerExecArgv() });
    worker.unref();
    const thread: Thread = { worker, online: false, pending: new Map() };
    this.threads[index] = thread;
    worker.once('online', () => {
      thread.online = true;
    });
    worker.on('message', (reply: FieldBatchReply) => {
      const pending = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) {
        worker.unref();
      }
      if ('values' in reply) {
        pending?.resolve(reply.values);
      } else {
        pending?.reject(new CryptoError(reply.failure.code, reply.failure.message));
      }
    });
    const fail = (error: CryptoThreadLost): void => {
      if (this.threads[index] === thread) {
        // Not stopped by close(): the next ready() starts a fresh thread.
        this.threads[index] = undefined;
        this.onLost?.(error);
      }
      for (const pending of thread.pending.values()) {
        pending.reject(error);
      }
      thread.pending.clear();
    };
    // The cause is named, not quoted: a defect's message could hold a value.
    worker.on('error', (cause) =>
      fail(new CryptoThreadLost(`crypto thread failed with ${cause.name}`)),
    );
    worker.on('exit', (code) =>
      fail(new CryptoThreadLost(`crypto thread exited with code ${code}`)),
    );
    return thread;
  }
}
