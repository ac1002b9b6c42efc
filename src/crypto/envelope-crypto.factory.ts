import { Logger } from '@nestjs/common';
import { INTERNAL_ALIAS } from './access/key-alias.access';
import { SYSTEM } from 'src/common/access/request-context.decorator';
import {
  EnvelopeCrypto,
  KeyProviderFactory,
  ProviderRegistry,
  type KeyProvider,
} from '@libs/crypto';
import type { DataSource } from 'typeorm';
import type { AuditService } from 'src/audit/audit.service';
import type { ServiceKeys } from 'src/common/crypto/service-keys';
import type { AppConfig } from 'src/config/app-config';
import { PostgresKeyStore } from './key-store/postgres.key-store';

const logger = new Logger('EnvelopeCrypto');

/** Any constant works; it only has to be the same for every instance. */
const ROOT_REWRAP_LOCK = 7_310_020;

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
  audit: AuditService,
): Promise<EnvelopeCrypto> {
  const retired = await Promise.all(
    config.crypto.retiredProviders.map((retiredConfig) => KeyProviderFactory.create(retiredConfig)),
  );
  const crypto = new EnvelopeCrypto({
    store: new PostgresKeyStore(db),
    providers: new ProviderRegistry(provider, retired),
    defaultAlias: config.crypto.defaultAlias,
    subjectRefSecret: keys.subkey('crypto/subject-ref'),
    blindIndexSecret: keys.subkey('crypto/blind-index'),
    fieldThreads: config.crypto.threads,
    onFieldThreadLost: (error) =>
      logger.warn(`${error.message}; its batches ran again on the event loop`),
  });
  if (provider.capabilities.canEncrypt) {
    for (const alias of [config.crypto.defaultAlias, INTERNAL_ALIAS]) {
      await crypto.keyring.createKeyring(alias);
      await db.query(
        `INSERT INTO key_registrations (alias, provider) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING`,
        [alias, provider.kind],
      );
    }
  }
  if (retired.length > 0 && provider.capabilities.canEncrypt) {
    await rewrapUnderActiveRoot(crypto, db, audit);
  }
  return crypto;
}

/**
 * Moves every keyring key onto the active root so the retired roots can be dropped later. The
 * advisory lock lets one instance do it while the others wait and then find nothing left to do.
 */
async function rewrapUnderActiveRoot(
  crypto: EnvelopeCrypto,
  db: DataSource,
  audit: AuditService,
): Promise<void> {
  await db.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [ROOT_REWRAP_LOCK]);
    const report = await crypto.keyring.rewrapKeyringKeys();
    if (report.rewrapped > 0) {
      await audit.record(
        SYSTEM,
        {
          action: 'crypto.root.rewrap',
          details: { total: report.total, rewrapped: report.rewrapped },
        },
        m,
      );
    }
  });
}
