import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ensureDatabase } from 'src/database/ensure-database';
import { typeormOptions } from 'src/database/typeorm-options';
import {
  createPrivateCluster,
  privateClusterUnavailable,
  PrivateCluster,
  writePostgresFile,
} from './support/private-postgres';
import { freePort } from './support/spawn-service';
import { makeTestCertificates } from './support/test-certificates';

const unavailable = privateClusterUnavailable();
const describeCluster = unavailable ? describe.skip : describe;
if (unavailable) {
  process.stderr.write(`PostgreSQL TLS spec skipped: ${unavailable}\n`);
}

/**
 * DATABASE_URL carries libpq's TLS settings (`sslmode`, `sslrootcert`), read by node-postgres for
 * every connection the service makes. A private cluster with ssl=on that refuses plain TCP shows
 * they are honoured: connections are encrypted and the server is verified against our CA.
 */
describeCluster('PostgreSQL over TLS (DATABASE_URL sslmode and sslrootcert)', () => {
  const certs = makeTestCertificates('localhost');
  const strangerCa = makeTestCertificates('localhost').caPem;
  const dir = mkdtempSync(join(tmpdir(), 'privacy-pg-tls-'));
  chmodSync(dir, 0o755);
  const caFile = join(dir, 'ca.pem');
  const strangerCaFile = join(dir, 'stranger-ca.pem');
  let cluster: PrivateCluster | undefined;
  const url = (database: string, params: string): string =>
    `postgres://postgres@localhost:${cluster?.port}/${database}?${params}`;

  beforeAll(async () => {
    writeFileSync(caFile, certs.caPem);
    writeFileSync(strangerCaFile, strangerCa);
    writePostgresFile(join(dir, 'server.crt'), certs.certPem);
    writePostgresFile(join(dir, 'server.key'), certs.keyPem);
    cluster = createPrivateCluster(
      'privacy_tls',
      await freePort(),
      {
        listen_addresses: '127.0.0.1',
        ssl: 'on',
        ssl_cert_file: join(dir, 'server.crt'),
        ssl_key_file: join(dir, 'server.key'),
        ssl_min_protocol_version: 'TLSv1.2',
      },
      // TCP only over TLS; the local socket stays for the cluster tools.
      'local all all trust\nhostssl all all 127.0.0.1/32 trust\n',
    );
    // The server takes a moment to accept connections after pg_ctlcluster returns.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = new Client({
        connectionString: url('postgres', `sslmode=verify-full&sslrootcert=${caFile}`),
      });
      try {
        await probe.connect();
        await probe.end();
        break;
      } catch (e) {
        await probe.end().catch(() => undefined);
        if (Date.now() > deadline) {
          throw e;
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }, 60_000);
  afterAll(() => {
    cluster?.drop();
  });

  it('creates the database and runs every migration over a verified TLS connection', async () => {
    const databaseUrl = url('privacy_tls', `sslmode=verify-full&sslrootcert=${caFile}`);
    await ensureDatabase(databaseUrl);
    const ds = new DataSource(typeormOptions(databaseUrl, true));
    await ds.initialize();
    try {
      const [row] = await ds.query<Array<{ ssl: boolean; version: string }>>(
        'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      expect(row.ssl).toBe(true);
      expect(row.version).toMatch(/^TLSv1\.[23]$/);
      const [migrated] = await ds.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM schema_migrations',
      );
      expect(migrated.n).toBeGreaterThan(10);
    } finally {
      await ds.destroy();
    }
  });

  it('refuses a server whose certificate our CA did not sign', async () => {
    const client = new Client({
      connectionString: url('postgres', `sslmode=verify-full&sslrootcert=${strangerCaFile}`),
    });
    await expect(client.connect()).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    await client.end().catch(() => undefined);
  });

  it('gets no plain connection: the server takes TCP over TLS only', async () => {
    const client = new Client({ connectionString: url('postgres', 'sslmode=disable') });
    await expect(client.connect()).rejects.toThrow(/no pg_hba.conf entry|SSL off/i);
    await client.end().catch(() => undefined);
  });
});
