import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until } from './http-store-service';
import { exitOf, freePort } from './spawn-service';
import { makeTestCertificates } from './test-certificates';

const run = promisify(execFile);

/** `count` free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    ports.push(await freePort());
  }
  return ports;
}

/** A master watched by Sentinels, as `startSentinels` wants it. */
export interface SentinelSetup {
  /** The name the Sentinels know the master by. */
  name: string;
  masterPort: number;
  /** A replica of the master, to be promoted when it fails. */
  replicaPort?: number;
  sentinelPorts: number[];
  /** How many Sentinels must agree that the master is down. */
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs?: number;
}

/** Private redis-server processes in a scratch directory, all removed by `stop`. */
export class RedisGroup {
  readonly dir = mkdtempSync(join(tmpdir(), 'redis-group-'));
  private readonly processes = new Map<string, ChildProcess>();

  /** Lines every server of the group gets after its port (a TLS group: its TLS settings). */
  protected serverLines(port: number): string[] {
    void port;
    return [];
  }

  /** Lines servers that talk to each other (replicas, Sentinels, cluster nodes) get. */
  protected peerLines(): string[] {
    return [];
  }

  /** redis-cli's arguments to reach `port`. */
  connection(port: number): string[] {
    return ['-p', String(port)];
  }

  /** redis-cli's arguments for commands that name their own hosts (`--cluster create`). */
  protected clientArguments(): string[] {
    return [];
  }

  /** Starts `redis-server` with `lines` as its configuration file, once it answers PING. */
  async start(
    name: string,
    port: number,
    lines: string[],
    options: { sentinel?: boolean } = {},
  ): Promise<void> {
    const file = join(this.dir, `${name}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        'save ""',
        'appendonly no',
        ...this.serverLines(port),
        ...lines,
      ].join('\n'),
    );
    this.processes.set(
      name,
      spawn('redis-server', options.sentinel ? [file, '--sentinel'] : [file], { stdio: 'ignore' }),
    );
    for (const deadline = Date.now() + 10_000; ;) {
      try {
        await this.cli(this.connection(port), ['ping']);
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw error;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** A master (`master`), its replica if any (`replica`), and Sentinels (`sentinel-<i>`). */
  async startSentinels(setup: SentinelSetup): Promise<void> {
    await this.start('master', setup.masterPort, []);
    if (setup.replicaPort !== undefined) {
      await this.start('replica', setup.replicaPort, [
        ...this.peerLines(),
        `replicaof 127.0.0.1 ${setup.masterPort}`,
      ]);
    }
    await Promise.all(
      setup.sentinelPorts.map((port, i) =>
        this.start(
          `sentinel-${i}`,
          port,
          [
            ...this.peerLines(),
            `sentinel monitor ${setup.name} 127.0.0.1 ${setup.masterPort} ${setup.quorum}`,
            `sentinel down-after-milliseconds ${setup.name} ${setup.downAfterMs}`,
            ...(setup.failoverTimeoutMs === undefined
              ? []
              : [`sentinel failover-timeout ${setup.name} ${setup.failoverTimeoutMs}`]),
          ],
          { sentinel: true },
        ),
      ),
    );
  }

  /** A cluster of one master per port, no replicas, once it says cluster_state:ok. */
  async startCluster(ports: number[]): Promise<void> {
    // The bus port by default is the port + 10000, past 65535 for a high free port.
    const busPorts = await freePorts(ports.length);
    await Promise.all(
      ports.map((port, i) =>
        this.start(`node-${port}`, port, [
          ...this.peerLines(),
          'cluster-enabled yes',
          `cluster-port ${busPorts[i]}`,
          `cluster-config-file nodes-${port}.conf`,
          'cluster-node-timeout 5000',
        ]),
      ),
    );
    await this.cli(this.clientArguments(), [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await until(async () => {
      const info = await this.cli(this.connection(ports[0]), ['cluster', 'info']);
      return info.includes('cluster_state:ok') ? true : undefined;
    }, 30000);
  }

  /** redis-cli with `connection` arguments; its output. */
  async cli(connection: string[], command: string[]): Promise<string> {
    return (await run('redis-cli', [...connection, ...command])).stdout;
  }

  /** SIGKILLs one server, as a lost host would. */
  async kill(name: string): Promise<void> {
    const p = this.processes.get(name);
    if (p && p.exitCode === null && p.signalCode === null) {
      p.kill('SIGKILL');
      await exitOf(p, 5000);
    }
  }

  async stop(): Promise<void> {
    for (const name of this.processes.keys()) {
      await this.kill(name).catch(() => undefined);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** TLS servers: certificates from a throwaway CA, the plain port off. */
export class TlsRedisGroup extends RedisGroup {
  // Cluster nodes and replicas connect to each other with the same certificate.
  private readonly certs = makeTestCertificates('localhost', { clientAuth: true });
  readonly caFile = join(this.dir, 'ca.pem');

  constructor() {
    super();
    writeFileSync(this.caFile, this.certs.caPem);
    writeFileSync(join(this.dir, 'server.pem'), this.certs.certPem);
    writeFileSync(join(this.dir, 'server.key'), this.certs.keyPem, { mode: 0o600 });
  }

  protected override serverLines(port: number): string[] {
    return [
      'port 0',
      `tls-port ${port}`,
      `tls-cert-file ${join(this.dir, 'server.pem')}`,
      `tls-key-file ${join(this.dir, 'server.key')}`,
      `tls-ca-cert-file ${this.caFile}`,
      'tls-auth-clients no',
    ];
  }

  protected override peerLines(): string[] {
    return ['tls-replication yes', 'tls-cluster yes'];
  }

  override connection(port: number): string[] {
    return [...this.clientArguments(), '-h', '127.0.0.1', '-p', String(port)];
  }

  protected override clientArguments(): string[] {
    return ['--tls', '--cacert', this.caFile];
  }
}
