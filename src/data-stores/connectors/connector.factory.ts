import { assertUnreachable } from 'src/common/errors/assert-unreachable';
import type {
  CollectionSpec,
  DataStoreType,
  HttpConnection,
  StoreConnection,
} from 'src/data-stores/data-store.types';
import type { Connector } from './connector.interface';
import { HttpConnector, type HttpStoreOptions } from './http.connector';
import { MysqlConnector } from './mysql.connector';
import { PostgresConnector } from './postgres.connector';

export interface ConnectorSpec {
  type: DataStoreType;
  connection: StoreConnection;
  collections: CollectionSpec[];
}

export interface ConnectorOptions {
  hashKey: string;
  http: HttpStoreOptions;
}

/** Switches on the validated store type; an unknown type throws, never falls back. */
export function createConnector(spec: ConnectorSpec, options: ConnectorOptions): Connector {
  switch (spec.type) {
    case 'postgres':
      return new PostgresConnector(spec.connection.url, spec.collections, options.hashKey);
    case 'mysql':
      return new MysqlConnector(spec.connection.url, spec.collections, options.hashKey);
    case 'http':
      return new HttpConnector(spec.connection as HttpConnection, options.http);
    case 'manual':
      // Callers check for manual stores first; reaching here is a bug, not a store error.
      throw new Error('A manual data store has no connector');
    default:
      return assertUnreachable(spec.type);
  }
}
