import { parentPort } from 'node:worker_threads';
import { CryptoError } from '../../errors/crypto-error';
import { NoncePool } from '../../primitives/nonce.pool';
import type { FieldBatchReply, FieldBatchRequest } from './field-batch.protocol';
import { openBatch, sealBatch } from './field-batch.work';

/** A crypto thread: seals or opens the batches it is sent, in order, and zeroes their keys. */
const nonces = new NoncePool();

function run(request: FieldBatchRequest): FieldBatchReply {
  try {
    const values = 'seal' in request ? sealBatch(request.seal, nonces) : openBatch(request.open);
    return { id: request.id, values };
  } catch (error) {
    if (error instanceof CryptoError) {
      return { id: request.id, failure: { code: error.code, message: error.message } };
    }
    throw error;
  } finally {
    const keys = 'seal' in request ? [request.seal.key] : request.open.keys.map((k) => k.key);
    for (const key of keys) {
      key.fill(0);
    }
  }
}

parentPort?.on('message', (request: FieldBatchRequest) => {
  parentPort?.postMessage(run(request));
});
