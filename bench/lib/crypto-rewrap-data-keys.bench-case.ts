import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EnvelopeCrypto, InMemoryKeyStore, LocalProvider, ProviderRegistry } from '@libs/crypto';
import type { BenchReport } from './bench-report';
import { Runner } from './runner';

/**
 * Rewrap and data-key cases of bench:crypto, on libs/crypto with the local provider and warm
 * caches:
 *   6. rewrap of 1,000-field batches after a rotation (v1 -> v2), against encryption of the same
 *      batches measured in alternating rounds (target >= 0.5 x encrypt); beside it the same ratio
 *      for bare node:crypto (open + seal against seal), the most any rewrap can reach
 *   7. data-key generation latency, 32-byte keys with a context (target p99 < 2 ms)
 */
export async function rewrapAndDataKeys(
  report: BenchReport,
  field: string,
  batch: number,
): Promise<{
  rewrapPerSec: number;
  rewrapVsEncrypt: number;
  bareResealVsSeal: number;
  dataKeyP99Ms: number;
}> {
  const crypto = new EnvelopeCrypto({
    store: new InMemoryKeyStore(),
    providers: new ProviderRegistry(
      new LocalProvider({ keyName: 'bench', rootKey: randomBytes(32) }),
    ),
    defaultAlias: 'pii',
    subjectRefSecret: randomBytes(32),
    blindIndexSecret: randomBytes(32),
    keyringCache: { maxUses: Number.MAX_SAFE_INTEGER, maxAgeMs: 3_600_000 },
  });
  await crypto.keyring.createKeyring('pii');
  const context = { table: 'users', column: 'email' };
  const values = new Array<string>(batch).fill(field);
  const underV1 = await crypto.fields.encryptValues(values, { context });
  await crypto.keyring.rotateKeyring('pii');
  const key = randomBytes(32);
  const nextKey = randomBytes(32);
  const plaintext = Buffer.from(field);
  const seal = (k: Buffer, data: Buffer): [Buffer, Buffer, Buffer] => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', k, nonce);
    const sealed = Buffer.concat([cipher.update(data), cipher.final()]);
    return [nonce, sealed, cipher.getAuthTag()];
  };
  const sealedBare = Array.from({ length: batch }, () => seal(key, plaintext));
  const results = await Runner.interleaved({
    bareSeal: () => {
      for (let i = 0; i < batch; i += 1) {
        seal(key, plaintext);
      }
      return batch;
    },
    bareReseal: () => {
      for (const [nonce, sealed, tag] of sealedBare) {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce).setAuthTag(tag);
        const opened = Buffer.concat([decipher.update(sealed), decipher.final()]);
        seal(nextKey, opened);
      }
      return batch;
    },
    encrypt: async () => {
      await crypto.fields.encryptValues(values, { context });
      return batch;
    },
    rewrap: async () => {
      await crypto.fields.rewrapValues(underV1, { context });
      return batch;
    },
  });
  const ratio = results.rewrap.opsPerSec / results.encrypt.opsPerSec;
  const bareRatio = results.bareReseal.opsPerSec / results.bareSeal.opsPerSec;
  report.add({
    id: '6-bare',
    name: 'node:crypto open + seal under a new key',
    value: results.bareReseal.opsPerSec,
    unit: 'fields/s',
    note: `${bareRatio.toFixed(2)} x bare seal (${results.bareSeal.opsPerSec.toFixed(0)}/s): ceiling of (6)`,
  });
  report.add({
    id: '6-encrypt',
    name: 'libs/crypto encrypt only, 1,000-field batches',
    value: results.encrypt.opsPerSec,
    unit: 'fields/s',
    note: 'reference for (6)',
  });
  report.add({
    id: '6',
    name: 'libs/crypto rewrap v1 -> v2, 1,000-field batches',
    value: results.rewrap.opsPerSec,
    unit: 'fields/s',
    note: `${ratio.toFixed(2)} x encrypt, target >= 0.50`,
  });
  const latency = await Runner.latency(
    () => crypto.dataKeys.generate({ context: { bucket: 'scans' } }),
    20_000,
    500,
  );
  report.add({
    id: '7',
    name: 'data-key generation (32 bytes), local provider',
    value: latency.p99,
    unit: 'ms p99',
    note: `p50 ${latency.p50.toFixed(4)} ms, n=${latency.n}, target p99 < 2 ms`,
    extra: { p50: latency.p50, p99: latency.p99, mean: latency.mean },
  });
  await crypto.close();
  return {
    rewrapPerSec: results.rewrap.opsPerSec,
    rewrapVsEncrypt: ratio,
    bareResealVsSeal: bareRatio,
    dataKeyP99Ms: latency.p99,
  };
}
