import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL cluster of a test's own on `port`, made with the Debian cluster tools. */
export interface PrivateCluster {
  version: string;
  name: string;
  port: number;
  /** Stops the server at once (`-m immediate`), as a crash or a lost host would. */
  stop(): void;
  start(): void;
  /** Stops and removes the cluster with its data; safe to call twice. */
  drop(): void;
}

/** Why a private cluster cannot be made here, or null when it can. */
export function privateClusterUnavailable(): string | null {
  if (!existsSync('/usr/bin/pg_createcluster') || !existsSync('/etc/postgresql')) {
    return 'pg_createcluster (postgresql-common) is not installed';
  }
  if (userInfo().uid !== 0) {
    return 'making a PostgreSQL cluster needs root';
  }
  return null;
}

/**
 * Creates and starts a cluster with `settings` in its postgresql.conf and `hba` as its whole
 * pg_hba.conf. Files it reads (certificates, keys) must belong to the postgres user.
 */
export function createPrivateCluster(
  tag: string,
  port: number,
  settings: Record<string, string>,
  hba: string,
): PrivateCluster {
  const version = readdirSync('/etc/postgresql').sort().at(-1) ?? '';
  const name = `${tag}_${port}`;
  // Appended to postgresql.conf, where a later line wins; values quoted as the file wants.
  const conf = Object.entries(settings)
    .map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'\n`)
    .join('');
  let dropped = false;
  const cluster: PrivateCluster = {
    version,
    name,
    port,
    stop() {
      execFileSync('pg_ctlcluster', [version, name, 'stop', '-m', 'immediate'], { stdio: 'pipe' });
    },
    start() {
      execFileSync('pg_ctlcluster', [version, name, 'start'], { stdio: 'pipe' });
    },
    drop() {
      if (!dropped) {
        dropped = true;
        execFileSync('pg_dropcluster', ['--stop', version, name], { stdio: 'ignore' });
      }
    },
  };
  try {
    execFileSync('pg_createcluster', [version, name, '-p', String(port)], { stdio: 'ignore' });
    appendFileSync(join('/etc/postgresql', version, name, 'postgresql.conf'), conf);
    writeFileSync(join('/etc/postgresql', version, name, 'pg_hba.conf'), hba);
    execFileSync('pg_ctlcluster', [version, name, 'start'], { stdio: 'pipe' });
  } catch (e) {
    cluster.drop();
    throw e;
  }
  return cluster;
}

/** Resolves once the server at `connectionString` accepts a connection. */
export async function postgresReady(connectionString: string, timeoutMs = 20_000): Promise<void> {
  const { Client } = await import('pg');
  for (const deadline = Date.now() + timeoutMs; ;) {
    const probe = new Client({ connectionString });
    try {
      await probe.connect();
      await probe.end();
      return;
    } catch (e) {
      await probe.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Writes `content` as a file the postgres user owns (mode 0600, as a server key must be). */
export function writePostgresFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(path, uid, gid);
}
