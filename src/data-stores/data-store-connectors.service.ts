import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ServiceKeys } from 'src/common/crypto/service-keys';
import { allowListGuard, type OutboundGuard } from 'src/common/outbound/post-json';
import { AppConfig } from 'src/config/app-config';
import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { PersonalDataCipher, serviceContext } from 'src/crypto/personal-data.cipher';
import { type SealedColumn, sealedColumnAt } from 'src/crypto/reseal/sealed-column';
import type { Connector } from './connectors/connector.interface';
import { ConnectorSpec, createConnector } from './connectors/connector.factory';
import { DataStoreError, DataStoreErrorCode } from './data-store.error';
import type { StoreConnection } from './data-store.types';
import { DataStoreEntity } from './entities/data-store.entity';

const HTTP_TIMEOUT_MS = 15000;

export const connectionContext = (id: string): Record<string, string> =>
  serviceContext('data_stores.connection', { store: id });

/** The context connections were sealed under before the reserved namespace; read only. */
const legacyConnectionContext = (id: string): Record<string, string> => ({
  table: 'data_stores',
  column: 'connection',
  id,
});

/**
 * Opens connectors for registered stores and keeps one per store version, so workers reuse
 * pools instead of reconnecting per task. An updated store gets a fresh connector.
 */
@Injectable()
export class DataStoreConnectors implements OnApplicationShutdown {
  private readonly open = new Map<string, { version: number; connector: Promise<Connector> }>();
  /** Which hosts http stores may reach (DATA_STORE_ALLOWED_HOSTS); none: any. */
  readonly httpGuard: OutboundGuard | undefined;

  constructor(
    @InjectRepository(DataStoreEntity) private readonly stores: Repository<DataStoreEntity>,
    private readonly cipher: PersonalDataCipher,
    private readonly keys: ServiceKeys,
    private readonly config: AppConfig,
  ) {
    const allowed = config.dataStores.allowedHosts;
    this.httpGuard = allowed ? allowListGuard(allowed) : undefined;
  }

  async forStoreId(id: string): Promise<{ store: DataStoreEntity; connector: Connector }> {
    const store = await this.stores.findOneBy({ id });
    if (!store) {
      throw new DataStoreError(DataStoreErrorCode.NotFound, 'No such data store');
    }
    return { store, connector: await this.forStore(store) };
  }

  /**
   * The open connector of a store whose `updated_at` the caller has already read (a join), so
   * the common case costs no query; a changed or unknown version loads the store.
   */
  async forStoreVersion(id: string, updatedAt: Date): Promise<Connector> {
    const cached = this.open.get(id);
    if (cached && cached.version === updatedAt.getTime()) {
      return cached.connector;
    }
    return (await this.forStoreId(id)).connector;
  }

  forStore(store: DataStoreEntity): Promise<Connector> {
    const version = store.updatedAt.getTime();
    const cached = this.open.get(store.id);
    if (cached && cached.version === version) {
      return cached.connector;
    }
    if (cached) {
      void cached.connector.then((c) => c.close()).catch(() => undefined);
    }
    const connector = this.decrypt(store).then((connection) =>
      this.create({ type: store.type, connection, collections: store.collections }),
    );
    this.open.set(store.id, { version, connector });
    connector.catch(() => this.open.delete(store.id));
    return connector;
  }

  /** A connector for a description not saved yet (the create/update check); the caller closes it. */
  create(spec: ConnectorSpec): Connector {
    return createConnector(spec, {
      hashKey: this.keys.subkey('data-store-erasure-hash').toString('hex'),
      http: {
        timeoutMs: HTTP_TIMEOUT_MS,
        maxResponseBytes: this.config.dataStores.maxResponseBytes,
        guard: this.httpGuard,
      },
    });
  }

  async decrypt(store: DataStoreEntity): Promise<StoreConnection> {
    if (store.connectionCiphertext === null) {
      throw new DataStoreError(
        DataStoreErrorCode.NoConnection,
        'A manual data store has no connection: its tasks are done by a person',
      );
    }
    const plain = await this.cipher.decryptOwn(
      store.connectionCiphertext,
      connectionContext(store.id),
      legacyConnectionContext(store.id),
    );
    return JSON.parse(plain) as StoreConnection;
  }

  /** The stored connections as a column `OwnValueResealer` moves (values sealed before). */
  get connections(): SealedColumn {
    return {
      ...sealedColumnAt(
        { table: 'data_stores', column: 'connection_ciphertext', key: 'id', keyType: 'uuid' },
        (sql, params) => this.stores.query(sql, params),
      ),
      keyAlias: INTERNAL_ALIAS,
      contexts: (id) => ({ context: connectionContext(id), legacy: legacyConnectionContext(id) }),
    };
  }

  async forget(id: string): Promise<void> {
    const cached = this.open.get(id);
    this.open.delete(id);
    await cached?.connector.then((c) => c.close()).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.forget(id)));
  }
}
