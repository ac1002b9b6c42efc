import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exitOf } from './spawn-service';

const run = promisify(execFile);

/** Private redis-server processes in a scratch directory, all removed by `stop`. */
export class RedisGroup {
  readonly dir = mkdtempSync(join(tmpdir(), 'redis-group-'));
  private readonly processes = new Map<string, ChildProcess>();

  /**
   * Starts `redis-server` with `lines` as its configuration file, once it answers PING
   * (`cli`: redis-cli's connection arguments, e.g. TLS ones, when the plain port is off).
   */
  async start(
    name: string,
    port: number,
    lines: string[],
    options: { sentinel?: boolean; cli?: string[] } = {},
  ): Promise<void> {
    const file = join(this.dir, `${name}.conf`);
    writeFileSync(
      file,
      [`port ${port}`, 'bind 127.0.0.1', `dir ${this.dir}`, 'save ""', ...lines].join('\n'),
    );
    this.processes.set(
      name,
      spawn('redis-server', options.sentinel ? [file, '--sentinel'] : [file], { stdio: 'ignore' }),
    );
    for (const deadline = Date.now() + 10_000; ;) {
      try {
        await this.cli(options.cli ?? ['-p', String(port)], ['ping']);
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw error;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
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
