import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a server that a test can cut (every connection dropped, new ones
 * refused) and restore: an outage of a shared server seen by one app only, the server itself
 * untouched.
 */
export class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private hold?: { marker: string; started: () => void };

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts listening (on a free port the first time, the same one after a cut). */
  async start(): Promise<number> {
    if (this.server) {
      return this.port;
    }
    this.server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      const hold = this.hold;
      if (!hold) {
        client.pipe(upstream).pipe(client);
        return;
      }
      let holding = false;
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        if (!holding && chunk.toString('latin1').toLowerCase().includes(hold.marker)) {
          holding = true;
          hold.started();
        }
      });
      client.on('end', () => upstream.end());
      upstream.on('data', (chunk: Buffer) => {
        if (!holding) {
          client.write(chunk);
        }
      });
      upstream.on('end', () => client.end());
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Drops every connection and stops listening: clients see their server gone. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise((r) => server?.close(r));
    for (const s of this.sockets) {
      s.destroy();
    }
    await closed;
  }

  restore(): Promise<number> {
    return this.start();
  }

  /**
   * On connections made from now on, once the client has sent bytes containing `marker`
   * (lower case), the server's replies are no longer passed on, while its closing still is: a
   * command left unanswered when the connection ends. Resolves when that happens.
   */
  holdRepliesAfter(marker: string): Promise<void> {
    return new Promise((resolve) => {
      this.hold = { marker, started: resolve };
    });
  }
}
