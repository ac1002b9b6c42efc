import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AppModule } from 'src/app.module';
import { configureApp } from 'src/bootstrap/configure-app';
import { AppConfig } from 'src/config/app-config';
import { loadConfig } from 'src/config/load-config';

export interface TestApp {
  app: NestExpressApplication;
  http: App;
  config: AppConfig;
  close(): Promise<void>;
}

/** Boots the real application (real PostgreSQL, Redis and workers) with optional env overrides. */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  // A scratch cwd so a developer's own .env never leaks into tests.
  const cwd = mkdtempSync(join(tmpdir(), 'privacy-e2e-'));
  const config = loadConfig({ ...process.env, ...overrides }, cwd);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, workers: config.workers }),
    { bodyParser: false, bufferLogs: true, abortOnError: false },
  );
  configureApp(app, config);
  await app.init();
  const close = async (): Promise<void> => {
    await app.close();
    rmSync(cwd, { recursive: true, force: true });
  };
  return { app, http: app.getHttpServer() as App, config, close };
}

export const BOOTSTRAP_ADMIN = {
  email: process.env.BOOTSTRAP_ADMIN_EMAIL ?? '',
  password: process.env.BOOTSTRAP_ADMIN_PASSWORD ?? '',
};

export async function login(http: App, email: string, password: string): Promise<string> {
  const res = await request(http).post('/v1/auth/login').send({ email, password }).expect(200);
  return (res.body as { accessToken: string }).accessToken;
}

export const adminToken = (http: App): Promise<string> =>
  login(http, BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password);
