import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { exitGracefullyOnSignals } from './bootstrap/graceful-shutdown';
import { loadConfigOrExit } from './bootstrap/load-config-or-exit';
import { ensureDatabase } from './database/ensure-database';
import { QUEUE_NAMES } from './queue/queue-names';

/** Worker-only process: queue workers and schedulers, no HTTP server. */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(
    AppModule.register({ config, workers: true }),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  exitGracefullyOnSignals(app);
  await app.init();
  new NestLogger('Bootstrap').log(
    `Worker ready (pid ${process.pid}, ${config.env}): processing ${QUEUE_NAMES.join(', ')}`,
  );
}

void bootstrap();
