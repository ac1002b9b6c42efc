import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EnvelopeCrypto, LocalProvider, ProviderRegistry } from '@libs/crypto';
import { PostgresKeyStore } from 'src/crypto/key-store/postgres.key-store';
import { REWRAP_BATCH_SIZE } from 'src/crypto/keys/key-rotation.jobs';
import { FieldEncryptionKeys1764000100000 } from '../../migrations/1764000100000-field-encryption-keys';
import { KeyringSettings1764000950000 } from '../../migrations/1764000950000-keyring-settings';
import type { BenchReport } from './bench-report';

const SUBJECTS = 40_000;

/**
 * 9. Keyring rotation re-wrap of subject keys on PostgreSQL (target >= 20,000 keys/s): SUBJECTS
 * subject keys under keyring v1 in a private schema, the keyring rotated, then the rewrapper the
 * rotation job runs moves them all to v2 in REWRAP_BATCH_SIZE batches (a read and one
 * compare-and-set statement per batch, the next batch read and wrapped while one is written).
 */
export async function rotationRewrap(report: BenchReport): Promise<{ keysPerSec: number }> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const schema = `bench_rewrap_${randomBytes(4).toString('hex')}`;
  const admin = new DataSource({ type: 'postgres', url });
  await admin.initialize();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = new DataSource({
    type: 'postgres',
    url,
    extra: { options: `-c search_path=${schema}`, max: 10 },
  });
  await db.initialize();
  try {
    const runner = db.createQueryRunner();
    await new FieldEncryptionKeys1764000100000().up(runner);
    await new KeyringSettings1764000950000().up(runner);
    await runner.release();
    const crypto = new EnvelopeCrypto({
      store: new PostgresKeyStore(db),
      providers: new ProviderRegistry(
        new LocalProvider({ keyName: 'bench', rootKey: randomBytes(32) }),
      ),
      defaultAlias: 'pii',
      subjectRefSecret: randomBytes(32),
      blindIndexSecret: randomBytes(32),
    });
    await crypto.keyring.createKeyring('pii');
    for (let i = 0; i < SUBJECTS; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, j) => crypto.subjects.resolve(`subject-${i + j}`, 'pii')),
      );
    }
    await crypto.keyring.rotateKeyring('pii');
    const started = performance.now();
    const { rewrapped } = await crypto.rewrapper.rewrapAll('pii', {
      batchSize: REWRAP_BATCH_SIZE,
    });
    const seconds = (performance.now() - started) / 1000;
    const [{ left }] = await db.query<Array<{ left: number }>>(
      `SELECT count(*)::int AS left FROM subject_keys WHERE keyring_version = 1`,
    );
    if (rewrapped !== SUBJECTS || left !== 0) {
      throw new Error(`rewrap moved ${rewrapped} of ${SUBJECTS} keys, ${left} left on v1`);
    }
    const keysPerSec = rewrapped / seconds;
    report.add({
      id: '9',
      name: `keyring rotation re-wrap, ${SUBJECTS.toLocaleString('en-US')} subject keys on PostgreSQL`,
      value: keysPerSec,
      unit: 'keys/s',
      note: `${seconds.toFixed(2)} s, batches of ${REWRAP_BATCH_SIZE}, target >= 20,000`,
    });
    await crypto.close();
    return { keysPerSec };
  } finally {
    await db.destroy();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.destroy();
  }
}
