import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FieldEncryptionKeys1764000100000 } from '../migrations/1764000100000-field-encryption-keys';
import { KeyringSettings1764000950000 } from '../migrations/1764000950000-keyring-settings';
import { describeKeyStoreConformance } from '../libs/crypto/test-support/key-store.conformance';
import { PostgresKeyStore } from 'src/crypto/key-store/postgres.key-store';

// A private schema so the suite's fixed ids ('pii', 'a', 'k1') never meet the app's own keys.
const schema = `ks_${randomBytes(4).toString('hex')}`;
let db: DataSource;

beforeAll(async () => {
  const admin = new DataSource({ type: 'postgres', url: process.env.E2E_DATABASE_URL });
  await admin.initialize();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  db = new DataSource({
    type: 'postgres',
    url: process.env.E2E_DATABASE_URL,
    extra: { options: `-c search_path=${schema}` },
  });
  await db.initialize();
  const runner = db.createQueryRunner();
  await new FieldEncryptionKeys1764000100000().up(runner);
  await new KeyringSettings1764000950000().up(runner);
  await runner.release();
});

afterAll(async () => {
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.destroy();
});

describeKeyStoreConformance('postgres', async () => {
  await db.query('TRUNCATE keyring_keys, subject_keys');
  return new PostgresKeyStore(db);
});

describe('PostgresKeyStore tombstones', () => {
  it('keeps the tombstone when a shredded subject is shredded again', async () => {
    const store = new PostgresKeyStore(db);
    expect(await store.destroySubjectKey('never-had-a-key', new Date(1000))).toBe(false);
    expect(await store.destroySubjectKey('never-had-a-key', new Date(2000))).toBe(false);
    const entry = await store.getSubjectKey('never-had-a-key');
    expect(entry).toMatchObject({ status: 'shredded', keyId: null, destroyedAt: new Date(1000) });
  });
});
