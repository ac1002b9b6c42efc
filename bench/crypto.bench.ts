/**
 * Field-encryption benchmark (npm run bench:crypto): encrypt+decrypt of 64-byte fields.
 *   1. plain node:crypto AES-256-GCM with a cached key (the ceiling; also with pooled nonces)
 *   2. libs/crypto with warm caches (target >= 0.8 x (1)); per call and in 1,000-field batches
 *   3. the HTTP endpoint with 1,000-field batches (the real app in a child process on loopback;
 *      target >= 0.75 x (1), with (1) measured again in rounds alternating with the HTTP rounds;
 *      also the API process's CPU time per field against (1)'s, and the latency of a trivial
 *      request beside the batches)
 *   4. the AWS Encryption SDK used naively, one whole message per field (raw AES keyring), with
 *      its default suite (ECDSA-signed) and with the committing unsigned suite; (3) >= 100 x this
 *   5. each provider's unwrap latency, p50/p99
 *   6, 7. rewrap throughput and data-key generation latency (bench/lib/crypto-rewrap-data-keys.bench-case.ts)
 *   8. HMAC, ES256 / EdDSA signing and verification latency (bench/lib/crypto-managed-keys.bench-case.ts)
 *   9. keyring rotation re-wrap of subject keys on PostgreSQL (target >= 20,000 keys/s;
 *      bench/lib/crypto-rotation-rewrap.bench-case.ts)
 * Prints a table and writes bench/results/crypto.json.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import * as path from 'node:path';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import {
  AwsKmsProvider,
  EnvelopeCrypto,
  InMemoryKeyStore,
  LocalProvider,
  Pkcs11Provider,
  ProviderRegistry,
  RsaProvider,
  type KeyProvider,
} from '@libs/crypto';
import { KmsLoopbackServer } from '../libs/crypto/test-support/kms-loopback.server';
import { RsaKeysFixture } from '../libs/crypto/test-support/rsa-keys.fixture';
import { SoftHsmFixture } from '../libs/crypto/test-support/softhsm.fixture';
import { BenchReport } from './lib/bench-report';
import { IN_FLIGHT, measureHttpBatches } from './lib/crypto-http.bench-case';
import { managedKeys } from './lib/crypto-managed-keys.bench-case';
import { rewrapAndDataKeys } from './lib/crypto-rewrap-data-keys.bench-case';
import { rotationRewrap } from './lib/crypto-rotation-rewrap.bench-case';
import { Runner } from './lib/runner';

const FIELD = Buffer.alloc(64, 0x61).toString('utf8');
const BATCH = 1_000;
const RESULTS = path.resolve(__dirname, 'results/crypto.json');

async function warmLibrary(): Promise<EnvelopeCrypto> {
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
  await crypto.fields.decrypt(await crypto.fields.encrypt(FIELD));
  return crypto;
}

/**
 * Cases 1 and 2, measured in alternating rounds (best round each) so that load from elsewhere on
 * the machine does not skew the ratios. Returns the ceiling, case 1, in fields per second.
 */
const plainKey = randomBytes(32);
const plainText = Buffer.from(FIELD);

/** One field sealed and opened with node:crypto alone, the key in a variable. */
function sealOpen(nonce: Buffer): void {
  const cipher = createCipheriv('aes-256-gcm', plainKey, nonce);
  const ct = Buffer.concat([cipher.update(plainText), cipher.final()]);
  const tag = cipher.getAuthTag();
  const decipher = createDecipheriv('aes-256-gcm', plainKey, nonce);
  decipher.setAuthTag(tag);
  Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** Case 1: the ceiling, a key in a variable and randomBytes(12) per field; BATCH fields a call. */
function plainBatch(): number {
  for (let i = 0; i < BATCH; i += 1) {
    sealOpen(randomBytes(12));
  }
  return BATCH;
}

async function fieldThroughput(report: BenchReport): Promise<number> {
  const pool = Buffer.allocUnsafe(12 * BATCH);
  const crypto = await warmLibrary();
  const context = { table: 'users', column: 'email' };
  const values = new Array<string>(BATCH).fill(FIELD);
  const results = await Runner.interleaved({
    plain: plainBatch,
    // 1 with nonces from a bulk-filled pool, as libs/crypto draws them.
    plainPooled: () => {
      randomFillSync(pool);
      for (let i = 0; i < BATCH; i += 1) {
        sealOpen(pool.subarray(i * 12, i * 12 + 12));
      }
      return BATCH;
    },
    batch: async () => {
      const sealed = await crypto.fields.encryptValues(values, { context });
      await crypto.fields.decryptValues(sealed, { context });
      return BATCH;
    },
    single: async () => {
      for (let i = 0; i < BATCH; i += 1) {
        await crypto.fields.decrypt(await crypto.fields.encrypt(FIELD, { context }), { context });
      }
      return BATCH;
    },
    subject: async () => {
      const sealed = await crypto.fields.encryptValues(values, {
        context,
        subjectId: 'bench-subject',
      });
      await crypto.fields.decryptValues(sealed, { context });
      return BATCH;
    },
  });
  await crypto.close();
  const ceiling = results.plain.opsPerSec;
  const ratio = (value: number) => `${(value / ceiling).toFixed(2)} x (1)`;
  report.add({
    id: '1',
    name: 'node:crypto AES-256-GCM, cached key',
    value: ceiling,
    unit: 'fields/s',
    note: 'randomBytes(12) per field',
  });
  report.add({
    id: '1-pool',
    name: 'node:crypto AES-256-GCM, cached key, pooled nonces',
    value: results.plainPooled.opsPerSec,
    unit: 'fields/s',
    note: ratio(results.plainPooled.opsPerSec),
  });
  report.add({
    id: '2',
    name: 'libs/crypto warm cache, 1,000-field batches',
    value: results.batch.opsPerSec,
    unit: 'fields/s',
    note: `${ratio(results.batch.opsPerSec)}, target >= 0.80`,
  });
  report.add({
    id: '2-single',
    name: 'libs/crypto warm cache, one await per field',
    value: results.single.opsPerSec,
    unit: 'fields/s',
    note: ratio(results.single.opsPerSec),
  });
  report.add({
    id: '2-subject',
    name: 'libs/crypto warm cache, subject key, batches',
    value: results.subject.opsPerSec,
    unit: 'fields/s',
    note: ratio(results.subject.opsPerSec),
  });
  return ceiling;
}

/**
 * Case 3, against case 1 run again in rounds alternating with the HTTP rounds (the ratio's
 * denominator), and the API process's CPU time per field against case 1's.
 */
async function httpEndpoint(report: BenchReport): Promise<{ ratio: number; cpuRatio: number }> {
  const result = await measureHttpBatches(FIELD, BATCH, plainBatch);
  const ratio = result.httpPerSec / result.ceilingPerSec;
  const cpuRatio = result.ceilingCpuUsPerField / result.serverCpuUsPerField;
  report.add({
    id: '3',
    name: 'HTTP endpoint, 1,000-field batches',
    value: result.httpPerSec,
    unit: 'fields/s',
    note: `${ratio.toFixed(2)} x (1) in alternating rounds (${Math.round(result.ceilingPerSec)}/s there), target >= 0.75; API crypto threads: ${result.cryptoThreads}`,
  });
  report.add({
    id: '3-cpu',
    name: 'HTTP endpoint, API process CPU per field',
    value: result.serverCpuUsPerField,
    unit: 'us/field',
    note: `(1): ${result.ceilingCpuUsPerField.toFixed(1)} us/field, ${cpuRatio.toFixed(2)} x`,
  });
  const probe = result.besideBatches;
  report.add({
    id: '3-lat',
    name: 'GET /health/live beside the batches',
    value: probe.p99,
    unit: 'ms p99',
    note: `p50 ${probe.p50.toFixed(2)} ms, n=${probe.n}, one at a time beside ${IN_FLIGHT} batch callers`,
  });
  return { ratio, cpuRatio };
}

/** Case 4: the AWS Encryption SDK per field, whole message each time. */
async function naiveSdk(report: BenchReport): Promise<void> {
  const keyring = new RawAesKeyringNode({
    keyNamespace: 'bench',
    keyName: 'naive',
    unencryptedMasterKey: new Uint8Array(randomBytes(32)),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const plaintext = Buffer.from(FIELD);
  const committing = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const unsignedSuite = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
  const unsigned = await Runner.throughput(
    async () => {
      const { result } = await committing.encrypt(keyring, plaintext, { suiteId: unsignedSuite });
      await committing.decrypt(keyring, result);
      return 1;
    },
    { seconds: 1, rounds: 2 },
  );
  const defaults = await Runner.throughput(
    async () => {
      const { result } = await committing.encrypt(keyring, plaintext);
      await committing.decrypt(keyring, result);
      return 1;
    },
    { seconds: 1, rounds: 2 },
  );
  report.add({
    id: '4',
    name: 'AWS Encryption SDK per field (committing, unsigned)',
    value: unsigned.opsPerSec,
    unit: 'fields/s',
  });
  report.add({
    id: '4-default',
    name: 'AWS Encryption SDK per field (default suite, ECDSA)',
    value: defaults.opsPerSec,
    unit: 'fields/s',
  });
}

/** Case 5: one provider unwrap, the cost of a keyring-key cache miss. */
async function providerUnwrap(report: BenchReport): Promise<void> {
  const providers: {
    id: string;
    make: () => Promise<KeyProvider>;
    samples: number;
    cleanup?: () => Promise<void>;
  }[] = [];
  providers.push({
    id: 'local',
    make: async () => new LocalProvider({ keyName: 'bench', rootKey: randomBytes(32) }),
    samples: 2_000,
  });
  const rsa = new RsaKeysFixture();
  providers.push({
    id: 'rsa-3072',
    make: async () => new RsaProvider({ keyName: 'bench', privateKeyPem: rsa.privateKeyPem }),
    samples: 500,
  });
  const arn = 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-4000-8000-000000000001';
  const kms = new KmsLoopbackServer([arn]);
  const endpoint = await kms.start();
  providers.push({
    id: 'aws-kms (loopback)',
    make: async () =>
      new AwsKmsProvider({
        keyArn: arn,
        endpoint,
        credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
      }),
    samples: 1_000,
    cleanup: () => kms.stop(),
  });
  const hsm = new SoftHsmFixture();
  if (SoftHsmFixture.available()) {
    await hsm.setUp();
    providers.push({
      id: 'pkcs11 (SoftHSM2)',
      make: async () =>
        Pkcs11Provider.open({
          tokenLabel: hsm.tokenLabel,
          pin: hsm.pin,
          keyLabel: 'bench',
          createKeyIfMissing: true,
        }),
      samples: 2_000,
      cleanup: async () => hsm.tearDown(),
    });
  } else {
    report.add({
      id: '5-pkcs11',
      name: 'unwrap latency: pkcs11',
      value: null,
      unit: 'ms',
      note: SoftHsmFixture.unavailableMessage(),
    });
  }
  for (const entry of providers) {
    const provider = await entry.make();
    const context = { purpose: 'keyring-key', alias: 'pii', version: '1' };
    const { wrapped } = await provider.generateDataKey(context);
    const latency = await Runner.latency(
      () => provider.unwrapDataKey(wrapped, context),
      entry.samples,
    );
    report.add({
      id: `5-${entry.id.split(' ')[0]}`,
      name: `unwrap latency: ${entry.id}`,
      value: latency.p50,
      unit: 'ms p50',
      note: `p99 ${latency.p99.toFixed(3)} ms, n=${latency.n}`,
      extra: { p50: latency.p50, p99: latency.p99, mean: latency.mean },
    });
    await provider.close();
    await entry.cleanup?.();
  }
}

/**
 * CRYPTO_BENCH_CASES=3,9 runs only the named cases (1 and 2 run together, as do 6 and 7; 3 runs
 * its own rounds of 1).
 */
function selectedCases(): (id: number) => boolean {
  const raw = process.env.CRYPTO_BENCH_CASES;
  if (raw === undefined || raw.trim() === '') {
    return () => true;
  }
  const ids = new Set(raw.split(',').map((id) => Number(id.trim())));
  return (id) => ids.has(id);
}

async function main(): Promise<void> {
  const report = new BenchReport('crypto');
  const runs = selectedCases();
  const ceiling = runs(1) || runs(2) ? await fieldThroughput(report) : null;
  const http = runs(3) ? await httpEndpoint(report) : null;
  if (runs(4)) {
    await naiveSdk(report);
  }
  if (runs(5)) {
    await providerUnwrap(report);
  }
  const transit = runs(6) || runs(7) ? await rewrapAndDataKeys(report, FIELD, BATCH) : null;
  if (runs(8)) {
    await managedKeys(report);
  }
  const rotation = runs(9) ? await rotationRewrap(report) : null;

  const lib = report.find('2')?.value ?? null;
  const naive = report.find('4')?.value ?? null;
  const naiveDefault = report.find('4-default')?.value ?? null;
  const httpPerSec = report.find('3')?.value ?? null;
  const over = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
  const summary = {
    libraryVsCeiling: over(lib, ceiling),
    libraryTargetMet: lib === null || ceiling === null ? null : lib / ceiling >= 0.8,
    // Against case 1 measured in the same alternating rounds as the HTTP case.
    httpVsCeiling: http?.ratio ?? null,
    httpTargetMet: http === null ? null : http.ratio >= 0.75,
    httpCpuVsCeiling: http?.cpuRatio ?? null,
    httpVsNaiveSdk: over(httpPerSec, naive),
    httpVsNaiveSdkDefaultSuite: over(httpPerSec, naiveDefault),
    libraryVsNaiveSdk: over(lib, naive),
    libraryVsNaiveSdkDefaultSuite: over(lib, naiveDefault),
    rewrapVsEncrypt: transit?.rewrapVsEncrypt ?? null,
    rewrapTargetMet: transit === null ? null : transit.rewrapVsEncrypt >= 0.5,
    bareResealVsSeal: transit?.bareResealVsSeal ?? null,
    // Case 2 counts an encrypt+decrypt pair per field, the work a rewrap does in one call.
    rewrapVsRoundTrip: over(transit?.rewrapPerSec ?? null, lib),
    dataKeyP99Ms: transit?.dataKeyP99Ms ?? null,
    dataKeyTargetMet: transit === null ? null : transit.dataKeyP99Ms < 2,
    rotationRewrapKeysPerSec: rotation?.keysPerSec ?? null,
    rotationRewrapTargetMet: rotation === null ? null : rotation.keysPerSec >= 20_000,
  };
  const times = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}x`);
  console.log(report.table());
  console.log(
    `\nlibrary / ceiling = ${summary.libraryVsCeiling?.toFixed(2) ?? 'n/a'}; HTTP / ceiling = ${summary.httpVsCeiling?.toFixed(2) ?? 'n/a'}`,
  );
  console.log(
    `naive SDK per field (target: HTTP >= 100x): HTTP / committing unsigned = ${times(summary.httpVsNaiveSdk)}, HTTP / default suite (ECDSA) = ${times(summary.httpVsNaiveSdkDefaultSuite)}; library / unsigned = ${times(summary.libraryVsNaiveSdk)}, library / default = ${times(summary.libraryVsNaiveSdkDefaultSuite)}`,
  );
  console.log(
    `rewrap / encrypt = ${summary.rewrapVsEncrypt?.toFixed(2) ?? 'n/a'} (target >= 0.50), rewrap / encrypt+decrypt pair = ${summary.rewrapVsRoundTrip?.toFixed(2) ?? 'n/a'}; data-key generation p99 = ${summary.dataKeyP99Ms?.toFixed(3) ?? 'n/a'} ms (target < 2 ms)`,
  );
  report.writeJson(RESULTS, summary);
  console.log(`written ${path.relative(process.cwd(), RESULTS)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
