import { KeyProviderKind, type KeyProviderConfig } from '@libs/crypto';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { EnvSchema } from './env.schema';

/** Field-encryption settings: the root key provider plus service limits. */
export interface CryptoConfig {
  readonly provider: KeyProviderConfig;
  /** Retired local roots (MASTER_KEY_PREVIOUS): they only unwrap keyring keys until re-wrapped. */
  readonly retiredProviders: readonly KeyProviderConfig[];
  /** Keyring alias used when a caller names none; created at start-up when missing. */
  readonly defaultAlias: string;
  /** Largest plaintext (UTF-8 bytes) or ciphertext (characters) one field may have. */
  readonly maxFieldBytes: number;
  /** Threads for large field batches; 0 keeps every batch on the event loop. */
  readonly threads: number;
}

function localProvider(masterKey: Buffer): KeyProviderConfig {
  return {
    kind: KeyProviderKind.Local,
    keyName: `master-${createHmac('sha256', masterKey).update('root-key-id').digest('hex').slice(0, 12)}`,
    rootKey: masterKey,
  };
}

function readFile(path: string, name: string, cwd: string): string {
  const full = resolve(cwd, path);
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's setting names the file
  if (!existsSync(full)) {
    throw new Error(`${name} points to a file that does not exist`);
  }
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator's setting names the file
  return readFileSync(full, 'utf8');
}

function required(value: string | undefined, name: string, kind: string): string {
  if (!value) {
    throw new Error(`${name} is required when KEY_PROVIDER=${kind}`);
  }
  return value;
}

/**
 * The root key provider from KEY_PROVIDER and its variables. The local provider's key name is a
 * fingerprint of MASTER_KEY, so a different master key is reported as a different root key
 * rather than as tampered data.
 */
export function buildCryptoConfig(
  env: EnvSchema,
  masterKey: Buffer,
  cwd: string,
  previousMasterKeys: readonly Buffer[] = [],
): CryptoConfig {
  const kind = env.KEY_PROVIDER;
  let provider: KeyProviderConfig;
  switch (kind) {
    case 'local':
      provider = localProvider(masterKey);
      break;
    case 'aws-kms':
      provider = {
        kind: KeyProviderKind.AwsKms,
        keyArn: required(env.KMS_KEY_ID, 'KMS_KEY_ID', kind),
        endpoint: env.KMS_ENDPOINT,
        credentials:
          env.KMS_ACCESS_KEY_ID && env.KMS_SECRET_ACCESS_KEY
            ? { accessKeyId: env.KMS_ACCESS_KEY_ID, secretAccessKey: env.KMS_SECRET_ACCESS_KEY }
            : undefined,
      };
      break;
    case 'pkcs11':
      provider = {
        kind: KeyProviderKind.Pkcs11,
        libraryPath: env.PKCS11_LIBRARY,
        tokenLabel: required(env.PKCS11_TOKEN_LABEL, 'PKCS11_TOKEN_LABEL', kind),
        pin: required(env.PKCS11_PIN, 'PKCS11_PIN', kind),
        keyLabel: env.PKCS11_KEY_LABEL,
        createKeyIfMissing: env.PKCS11_CREATE_KEY,
      };
      break;
    case 'rsa': {
      if (!env.RSA_PUBLIC_KEY_FILE && !env.RSA_PRIVATE_KEY_FILE) {
        throw new Error(
          'RSA_PUBLIC_KEY_FILE or RSA_PRIVATE_KEY_FILE is required when KEY_PROVIDER=rsa',
        );
      }
      provider = {
        kind: KeyProviderKind.Rsa,
        keyName: env.RSA_KEY_NAME,
        publicKeyPem: env.RSA_PUBLIC_KEY_FILE
          ? readFile(env.RSA_PUBLIC_KEY_FILE, 'RSA_PUBLIC_KEY_FILE', cwd)
          : undefined,
        privateKeyPem: env.RSA_PRIVATE_KEY_FILE
          ? readFile(env.RSA_PRIVATE_KEY_FILE, 'RSA_PRIVATE_KEY_FILE', cwd)
          : undefined,
        passphrase: env.RSA_PRIVATE_KEY_PASSPHRASE,
      };
      break;
    }
  }
  return {
    provider,
    retiredProviders: previousMasterKeys.map(localProvider),
    defaultAlias: env.CRYPTO_DEFAULT_KEY_ALIAS,
    maxFieldBytes: env.CRYPTO_MAX_FIELD_BYTES,
    // The event loop keeps a core of its own.
    threads: env.CRYPTO_THREADS ?? Math.min(4, availableParallelism() - 1),
  };
}
