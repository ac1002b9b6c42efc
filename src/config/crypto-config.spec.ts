import { KeyProviderKind } from '@libs/crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const MASTER_KEY = Buffer.alloc(32, 3).toString('base64');
// Nothing here writes to the working directory: one serves every load.
const cwd = mkdtempSync(join(tmpdir(), 'crypto-config-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ MASTER_KEY, ...env }, cwd);

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (e) {
    return (e as ConfigError).problems;
  }
  throw new Error('expected a configuration error');
};

describe('crypto configuration', () => {
  it('defaults to the local provider on MASTER_KEY, with a key name stable for that key', () => {
    const a = load({}).crypto;
    expect(a.provider.kind).toBe(KeyProviderKind.Local);
    expect(a.defaultAlias).toBe('pii');
    expect(a.maxFieldBytes).toBe(65536);
    expect(load({}).crypto.provider).toEqual(a.provider);
    const other = load({ MASTER_KEY: Buffer.alloc(32, 4).toString('base64') }).crypto.provider;
    expect(other).not.toEqual(a.provider);
  });

  it('gives large field batches one thread per core beyond the first, at most 4; 0 keeps them inline', () => {
    expect(load({}).crypto.threads).toBe(Math.min(4, availableParallelism() - 1));
    expect(load({ CRYPTO_THREADS: '0' }).crypto.threads).toBe(0);
    expect(load({ CRYPTO_THREADS: '3' }).crypto.threads).toBe(3);
    expect(problemsOf({ CRYPTO_THREADS: '17' })).toEqual([
      'CRYPTO_THREADS must not be greater than 16',
    ]);
  });

  it('turns MASTER_KEY_PREVIOUS into retired local roots, none by default', () => {
    expect(load({}).crypto.retiredProviders).toEqual([]);
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const retired = load({ MASTER_KEY_PREVIOUS: ` ${k1}, ${k2} ` }).crypto.retiredProviders;
    expect(retired).toHaveLength(2);
    expect(retired[0]).toEqual(load({ MASTER_KEY: k1 }).crypto.provider);
    expect(retired[1]).toEqual(load({ MASTER_KEY: k2 }).crypto.provider);
  });

  it('rejects a malformed or repeated MASTER_KEY_PREVIOUS without echoing it', () => {
    const short = 'c2hvcnQtc2VjcmV0LXZhbHVl';
    const bad = problemsOf({
      MASTER_KEY_PREVIOUS: `${Buffer.alloc(32, 1).toString('base64')},${short}`,
    });
    expect(bad).toEqual([
      'MASTER_KEY_PREVIOUS must be comma-separated 32-byte keys encoded as base64',
    ]);
    expect(bad.join(' ')).not.toContain(short);
    expect(problemsOf({ MASTER_KEY_PREVIOUS: MASTER_KEY })).toEqual([
      'MASTER_KEY_PREVIOUS must not repeat a key or contain the active master key',
    ]);
  });

  it('builds the aws-kms provider from KMS_KEY_ID and KMS_ENDPOINT', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(
      load({ KEY_PROVIDER: 'aws-kms', KMS_KEY_ID: arn, KMS_ENDPOINT: 'http://127.0.0.1:4599' })
        .crypto.provider,
    ).toMatchObject({
      kind: KeyProviderKind.AwsKms,
      keyArn: arn,
      endpoint: 'http://127.0.0.1:4599',
    });
  });

  it('names the missing or bad variable for each provider', () => {
    expect(problemsOf({ KEY_PROVIDER: 'aws-kms' })).toContain(
      'KMS_KEY_ID is required when KEY_PROVIDER=aws-kms',
    );
    expect(problemsOf({ KEY_PROVIDER: 'pkcs11' })).toContain(
      'PKCS11_TOKEN_LABEL is required when KEY_PROVIDER=pkcs11',
    );
    expect(problemsOf({ KEY_PROVIDER: 'rsa' })).toContain(
      'RSA_PUBLIC_KEY_FILE or RSA_PRIVATE_KEY_FILE is required when KEY_PROVIDER=rsa',
    );
    expect(problemsOf({ KEY_PROVIDER: 'vault' }).join('\n')).toContain('KEY_PROVIDER');
    expect(problemsOf({ KEY_PROVIDER: 'aws-kms', KMS_KEY_ID: 'alias/x' }).join('\n')).toContain(
      'KMS_KEY_ID',
    );
  });
});
