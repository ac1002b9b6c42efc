import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';

/** One place for connection options, shared by the app, the CLI data source and the tests. */
export function typeormOptions(databaseUrl: string, migrationsRun: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun,
    migrations,
    migrationsTableName: 'schema_migrations',
    // A server that does not answer fails the query (503 to callers, a retry for jobs) instead
    // of holding it until the operating system gives up on the connection.
    connectTimeoutMS: 10_000,
    extra: { max: 20, application_name: 'privacy-service' },
  };
}
