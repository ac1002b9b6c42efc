import {
  EnvelopeCrypto,
  KeyProviderFactory,
  ProviderRegistry,
  type KeyProvider,
} from '@libs/crypto';
import type { DataSource } from 'typeorm';
import type { ServiceKeys } from 'src/common/crypto/service-keys';
import type { AppConfig } from 'src/config/app-config';
import { PostgresKeyStore } from './key-store/postgres.key-store';

export function createRootKeyProvider(config: AppConfig): Promise<KeyProvider> {
  return KeyProviderFactory.create(config.crypto.provider);
}

/**
 * Builds the hierarchy on PostgreSQL with the configured root provider, then makes sure the
 * default keyring exists (insert-if-absent: concurrent instances converge on one version 1).
 * The subject-ref and blind-index secrets are HKDF subkeys of the master key, so indexes and
 * subject references stay stable across restarts.
 */
export async function createEnvelopeCrypto(
  config: AppConfig,
  db: DataSource,
  keys: ServiceKeys,
  provider: KeyProvider,
): Promise<EnvelopeCrypto> {
  const crypto = new EnvelopeCrypto({
    store: new PostgresKeyStore(db),
    providers: new ProviderRegistry(provider),
    defaultAlias: config.crypto.defaultAlias,
    subjectRefSecret: keys.subkey('crypto/subject-ref'),
    blindIndexSecret: keys.subkey('crypto/blind-index'),
  });
  if (provider.capabilities.canEncrypt) {
    await crypto.keyring.createKeyring(config.crypto.defaultAlias);
    await db.query(
      `INSERT INTO key_registrations (alias, provider) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING`,
      [config.crypto.defaultAlias, provider.kind],
    );
  }
  return crypto;
}
