import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServerOptions } from 'node:https';
import { AppModule } from './app.module';
import { configureApp } from './bootstrap/configure-app';
import { exitGracefullyOnSignals } from './bootstrap/graceful-shutdown';
import { listeningUrl } from './bootstrap/listening-url';
import { loadConfigOrExit } from './bootstrap/load-config-or-exit';
import { TLS_MIN_VERSION } from './config/tls-config';
import { ensureDatabase } from './database/ensure-database';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  await ensureDatabase(config.databaseUrl);
  // Nest hands these to https.createServer whole; its own type lists only some of them.
  const httpsOptions: Pick<ServerOptions, 'cert' | 'key' | 'minVersion'> | undefined = config.tls
    ? { ...config.tls, minVersion: TLS_MIN_VERSION }
    : undefined;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, workers: config.workers }),
    {
      bufferLogs: true,
      bodyParser: false,
      httpsOptions,
    },
  );
  configureApp(app, config);
  exitGracefullyOnSignals(app);
  await app.listen(config.port);
  const url = listeningUrl(app.getHttpServer().address(), config.tls !== null);
  new Logger('Bootstrap').log(
    `Listening on ${url} (${config.env}; API docs at ${url}/docs; workers ${config.workers ? 'in this process' : 'off'})`,
  );
}

void bootstrap();
