import { INTERNAL_ALIAS } from 'src/crypto/access/key-alias.access';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { RequestContext } from 'src/common/access/request-context.decorator';
import { AuditService } from 'src/audit/audit.service';
import { checkTarget } from 'src/common/outbound/post-json';
import { PersonalDataCipher } from 'src/crypto/personal-data.cipher';
import { checkDescription } from './catalogue/description-checker';
import type { CollectionErasure, ConnectorTestResult } from './connectors/connector.interface';
import { classifyDriverError, StoreError } from './connectors/store-error';
import { SqlConnector } from './connectors/sql.connector';
import { connectionContext, DataStoreConnectors } from './data-store-connectors.service';
import { DataStoreError, DataStoreErrorCode } from './data-store.error';
import type { CollectionSpec, DataStoreType, StoreConnection, Subject } from './data-store.types';
import { DataStoreEntity } from './entities/data-store.entity';

export interface DataStoreInput {
  name: string;
  type: DataStoreType;
  connection?: { url: string; secret?: string };
  collections: CollectionSpec[];
}

type ConnectedType = Exclude<DataStoreType, 'manual'>;

const URL_SCHEMES: Record<ConnectedType, RegExp> = {
  postgres: /^postgres(ql)?:\/\//,
  mysql: /^(mysql|mariadb):\/\//,
  http: /^https?:\/\//,
};

/** The registry: descriptions are checked against the live store before they are saved. */
@Injectable()
export class DataStoresService {
  constructor(
    @InjectRepository(DataStoreEntity) private readonly stores: Repository<DataStoreEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connectors: DataStoreConnectors,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<DataStoreEntity[]> {
    return this.stores.find({ order: { createdAt: 'ASC' } });
  }

  async get(id: string): Promise<DataStoreEntity> {
    const store = await this.stores.findOneBy({ id });
    if (!store) {
      throw new DataStoreError(DataStoreErrorCode.NotFound, 'No such data store');
    }
    return store;
  }

  async create(ctx: RequestContext, input: DataStoreInput): Promise<DataStoreEntity> {
    if (input.type === 'manual') {
      return this.createManual(ctx, input);
    }
    const connection = this.validConnection(input.type, input.connection);
    await this.checkLive(input.type, connection, input.collections);
    const id = randomUUID();
    const entity = this.stores.create({
      id,
      name: input.name,
      type: input.type,
      collections: input.collections,
      connectionDisplay: displayUrl(connection.url),
      connectionCiphertext: await this.cipher.encrypt(JSON.stringify(connection), {
        context: connectionContext(id),
        keyAlias: INTERNAL_ALIAS,
      }),
    });
    return this.save(ctx, entity, 'data_store.created');
  }

  async update(
    ctx: RequestContext,
    id: string,
    input: Omit<DataStoreInput, 'type'>,
  ): Promise<DataStoreEntity> {
    const store = await this.get(id);
    if (store.type === 'manual') {
      noConnection(input.connection);
      store.name = input.name;
      store.collections = input.collections;
      return this.save(ctx, store, 'data_store.updated');
    }
    const connection = input.connection
      ? this.validConnection(store.type, input.connection)
      : await this.connectors.decrypt(store);
    await this.checkLive(store.type, connection, input.collections);
    store.name = input.name;
    store.collections = input.collections;
    if (input.connection) {
      store.connectionDisplay = displayUrl(connection.url);
      store.connectionCiphertext = await this.cipher.encrypt(JSON.stringify(connection), {
        context: connectionContext(id),
        keyAlias: INTERNAL_ALIAS,
      });
    }
    const saved = await this.save(ctx, store, 'data_store.updated');
    await this.connectors.forget(id);
    return saved;
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const result = await m.delete(DataStoreEntity, { id });
      if (!result.affected) {
        throw new DataStoreError(DataStoreErrorCode.NotFound, 'No such data store');
      }
      await this.audit.record(
        ctx,
        { action: 'data_store.deleted', target: { type: 'data_store', id } },
        m,
      );
    });
    await this.connectors.forget(id);
  }

  async test(ctx: RequestContext, id: string): Promise<ConnectorTestResult> {
    const { connector } = await this.connectors.forStoreId(id);
    const result = await connector.test();
    await this.audit.record(ctx, {
      action: 'data_store.tested',
      target: { type: 'data_store', id },
      outcome: result.ok ? 'success' : 'failure',
    });
    return result;
  }

  /**
   * What an erasure of `subject` would do in this store, step by step in its order, counted in
   * a read-only transaction. The audit names the store and the number of steps, not the subject.
   */
  async planErasure(
    ctx: RequestContext,
    id: string,
    subject: Subject,
  ): Promise<CollectionErasure[]> {
    if (!subject.email && !subject.subjectId && !subject.phone) {
      throw new DataStoreError(
        DataStoreErrorCode.InvalidSubject,
        'subject needs an email, subjectId or phone',
        [{ field: 'subject', message: 'needs an email, subjectId or phone' }],
      );
    }
    const { store, connector } = await this.connectors.forStoreId(id);
    if (!connector.planErasure) {
      throw new DataStoreError(
        DataStoreErrorCode.PlanUnsupported,
        `A ${store.type} store erases by itself; only SQL stores have an erasure plan`,
      );
    }
    let steps: CollectionErasure[];
    try {
      steps = await connector.planErasure(subject);
    } catch (e) {
      // The plan's own refusals carry no driver failure; driver errors say what failed.
      if (e instanceof StoreError && e.failure === undefined) {
        throw new DataStoreError(DataStoreErrorCode.InvalidDescription, e.message);
      }
      throw new DataStoreError(
        DataStoreErrorCode.Unreachable,
        `The store could not be read to plan the erasure (${classifyDriverError(e).message})`,
      );
    }
    await this.audit.record(ctx, {
      action: 'data_store.erasure_planned',
      target: { type: 'data_store', id },
      details: { steps: steps.length },
    });
    return steps;
  }

  /** A system without a connector: described, never connected to; a person does its tasks. */
  private createManual(ctx: RequestContext, input: DataStoreInput): Promise<DataStoreEntity> {
    noConnection(input.connection);
    const entity = this.stores.create({
      id: randomUUID(),
      name: input.name,
      type: 'manual',
      collections: input.collections,
      connectionDisplay: null,
      connectionCiphertext: null,
    });
    return this.save(ctx, entity, 'data_store.created');
  }

  private async save(
    ctx: RequestContext,
    entity: DataStoreEntity,
    action: string,
  ): Promise<DataStoreEntity> {
    const clash = await this.stores.findOneBy({ name: entity.name });
    if (clash && clash.id !== entity.id) {
      throw new DataStoreError(DataStoreErrorCode.NameTaken, 'A data store with that name exists');
    }
    return this.dataSource.transaction(async (m) => {
      const saved = await m.save(DataStoreEntity, entity);
      await this.audit.record(
        ctx,
        {
          action,
          target: { type: 'data_store', id: saved.id },
          details: { type: saved.type, collections: saved.collections.length },
        },
        m,
      );
      return saved;
    });
  }

  /**
   * An http store must be on DATA_STORE_ALLOWED_HOSTS, by name or by an address its name resolves
   * to; the answer names the field, never the URL.
   */
  private async checkAllowedHost(url: string): Promise<void> {
    const guard = this.connectors.httpGuard;
    if (!guard) {
      return;
    }
    const allowed = await checkTarget(url, guard).catch(() => {
      throw new DataStoreError(
        DataStoreErrorCode.InvalidConnection,
        'connection.url names a host that does not resolve',
        [{ field: 'connection.url', message: 'host does not resolve' }],
      );
    });
    if (!allowed) {
      throw new DataStoreError(
        DataStoreErrorCode.InvalidConnection,
        'connection.url names a host that data stores may not reach',
        [{ field: 'connection.url', message: 'host is not in DATA_STORE_ALLOWED_HOSTS' }],
      );
    }
  }

  private validConnection(
    type: ConnectedType,
    connection: DataStoreInput['connection'],
  ): StoreConnection {
    if (!connection || !URL_SCHEMES[type].test(connection.url)) {
      throw new DataStoreError(
        DataStoreErrorCode.InvalidConnection,
        `connection.url does not fit a ${type} store`,
        [{ field: 'connection.url', message: `must be a ${type} URL` }],
      );
    }
    if (type === 'http') {
      if (!connection.secret) {
        throw new DataStoreError(
          DataStoreErrorCode.InvalidConnection,
          'An http store needs a signing secret',
          [{ field: 'connection.secret', message: 'is required for http stores' }],
        );
      }
      return { url: connection.url, secret: connection.secret };
    }
    return { url: connection.url };
  }

  private async checkLive(
    type: ConnectedType,
    connection: StoreConnection,
    collections: CollectionSpec[],
  ): Promise<void> {
    if (type === 'http') {
      return this.checkAllowedHost(connection.url);
    }
    const connector = this.connectors.create({ type, connection, collections });
    try {
      const unreachable = () => {
        throw new DataStoreError(
          DataStoreErrorCode.Unreachable,
          'The store could not be reached to check the description',
        );
      };
      const catalogue = await connector.catalogue().catch(unreachable);
      const foreignKeys =
        connector instanceof SqlConnector ? await connector.foreignKeys().catch(unreachable) : [];
      const problems = checkDescription(collections, catalogue, foreignKeys);
      if (problems.length > 0) {
        throw new DataStoreError(
          DataStoreErrorCode.InvalidDescription,
          'The collection description does not match the store',
          problems,
        );
      }
    } finally {
      await connector.close().catch(() => undefined);
    }
  }
}

function noConnection(connection: DataStoreInput['connection']): void {
  if (connection !== undefined) {
    throw new DataStoreError(
      DataStoreErrorCode.InvalidConnection,
      'A manual data store has no connection',
      [{ field: 'connection', message: 'must be absent for a manual store' }],
    );
  }
}

/** The URL without its password, for display. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
