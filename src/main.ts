import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './bootstrap/configure-app';
import { exitGracefullyOnSignals } from './bootstrap/graceful-shutdown';
import { loadConfigOrExit } from './bootstrap/load-config-or-exit';
import { ensureDatabase } from './database/ensure-database';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, workers: config.workers }),
    { bufferLogs: true, bodyParser: false },
  );
  configureApp(app, config);
  exitGracefullyOnSignals(app);
  await app.listen(config.port);
}

void bootstrap();
