import { randomBytes } from 'node:crypto';
import {
  EnvelopeCrypto,
  InMemoryKeyStore,
  KeyringKeyType,
  LocalProvider,
  ProviderRegistry,
} from '@libs/crypto';
import type { BenchReport } from './bench-report';
import { Runner } from './runner';

/**
 * Managed-key cases of bench:crypto, libs/crypto with the local provider and warm caches: latency
 * of one HMAC, ES256 and EdDSA signature and ES256 verification of a 256-byte message (8a-8d).
 * Signing and verification read the key version's record from the store once per call (policy
 * check), here the in-memory store.
 */
export async function managedKeys(report: BenchReport): Promise<void> {
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
  await crypto.keyring.createKeyring('macs', KeyringKeyType.HmacSha256);
  await crypto.keyring.createKeyring('es', KeyringKeyType.EcdsaP256);
  await crypto.keyring.createKeyring('ed', KeyringKeyType.Ed25519);
  const data = randomBytes(256);
  const esSignature = await crypto.managed.sign('es', data);
  const cases: Array<[string, string, () => Promise<unknown>]> = [
    ['8a', 'HMAC-SHA-256 (hmac-sha256 keyring)', () => crypto.managed.hmac('macs', data)],
    ['8b', 'ES256 sign (ecdsa-p256 keyring)', () => crypto.managed.sign('es', data)],
    ['8c', 'EdDSA sign (ed25519 keyring)', () => crypto.managed.sign('ed', data)],
    ['8d', 'ES256 verify', () => crypto.managed.verify('es', data, esSignature)],
  ];
  for (const [id, name, run] of cases) {
    const latency = await Runner.latency(run, 5_000, 200);
    report.add({
      id,
      name: `${name}, 256-byte message, local provider`,
      value: latency.p99,
      unit: 'ms p99',
      note: `p50 ${latency.p50.toFixed(4)} ms, n=${latency.n}`,
      extra: { p50: latency.p50, p99: latency.p99, mean: latency.mean },
    });
  }
  await crypto.close();
}
