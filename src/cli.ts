import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadConfigOrExit } from './bootstrap/load-config-or-exit';
import { parseArgs, UsageError } from './cli/cli-args';
import { CliModule } from './cli/cli.module';
import { COMMANDS, commandOf, EXIT, usage } from './cli/commands';
import { AppConfig } from './config/app-config';
import { DomainError } from './common/errors/domain-error';
import { ensureDatabase } from './database/ensure-database';

@Module({})
class CliAppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliAppModule,
      imports: [AppModule.register({ config, workers: false, logToStderr: true }), CliModule],
    };
  }
}

const FLAGS = new Set(['help', ...Object.values(COMMANDS).flatMap((c) => c.flags)]);
const OPTIONS = new Set(Object.values(COMMANDS).flatMap((c) => c.options));

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

/** Operator commands over the service's own modules and configuration (README, "CLI"). */
async function main(argv: string[]): Promise<number> {
  let command;
  let args;
  try {
    args = parseArgs(argv, FLAGS, OPTIONS);
    if (args.command === undefined && args.flags.has('help')) {
      process.stdout.write(`${usage()}\n`);
      return EXIT.ok;
    }
    command = commandOf(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n\n${usage()}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  if (args.flags.has('help')) {
    process.stdout.write(`Usage: npm run cli -- ${command.usage}\n  ${command.summary}\n`);
    return EXIT.ok;
  }
  // Quiet unless asked: the answer is on stdout, warnings and errors on stderr.
  process.env.LOG_LEVEL ??= 'warn';
  const config = loadConfigOrExit();
  await ensureDatabase(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(CliAppModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  try {
    return await command.run(app, args, {
      out: (line) => process.stdout.write(`${line}\n`),
      readStdin,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof DomainError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT.failed;
    }
    throw e;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? `${e.name}: ${e.message}` : 'failed'}\n`);
    process.exit(EXIT.failed);
  },
);
