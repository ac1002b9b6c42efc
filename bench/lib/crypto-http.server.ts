import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/bootstrap/configure-app';
import { loadConfig } from 'src/config/load-config';

/** The real app on a loopback port for benchmarks; configured by the parent's environment. */
async function main(): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'privacy-bench-'));
  const config = loadConfig(process.env, cwd);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, workers: false }),
    { bodyParser: false, logger: false },
  );
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  process.send?.({
    port: (app.getHttpServer().address() as AddressInfo).port,
    cryptoThreads: config.crypto.threads,
  });
  // The parent asks for this process's CPU time around its measurement.
  process.on('message', (message) => {
    if (message === 'cpu-usage') {
      process.send?.({ cpuUsage: process.cpuUsage() });
    }
  });
  process.on('disconnect', () => {
    void app.close().then(() => {
      rmSync(cwd, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

void main();
