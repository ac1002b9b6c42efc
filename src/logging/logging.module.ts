import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { destination, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';
import { AppConfig } from 'src/config/app-config';
import { redactLogLine } from './pii-log-redactor';
import { isStartupNoise } from './quiet-contexts';
import { REDACT_PATHS } from './redact-paths';
import { RequestLogging, requestFields } from './request-logging';

export interface LoggingOptions {
  /** Where lines go: stdout (default), or stderr for a command-line tool whose stdout is its answer. */
  destination?: 1 | 2;
}

/**
 * Development reads logs in a terminal: colourised, one line per event, through pino-pretty (in
 * the same thread, after redaction). Production and tests keep one JSON object per line.
 */
function destinationFor(config: AppConfig, fd: 1 | 2): DestinationStream | undefined {
  if (config.env !== 'development') {
    return fd === 2 ? destination({ dest: 2, sync: true }) : undefined;
  }
  return pinoPretty({
    destination: fd,
    sync: true,
    colorize: fd === 1 ? process.stdout.isTTY : process.stderr.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    ignore: 'pid,hostname,context,req,res,responseTime,requestId',
    messageFormat: '{if context}[{context}] {end}{msg}{if res.statusCode} {res.statusCode}{end}',
  });
}

/**
 * The service's one root logger: level, redaction of fields and of every line, start-up noise
 * dropped, and the handled request (requestFields) on each line.
 */
function rootLogger(config: AppConfig, fd: 1 | 2): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    mixin: requestFields,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: {
      streamWrite: redactLogLine,
      logMethod(args, method) {
        if (!isStartupNoise(args)) {
          method.apply(this, args);
        }
      },
    },
    serializers: {
      // Whatever request object a line is given, only its id and method are written.
      req: (req: { id: unknown; method: string }) => ({ id: req.id, method: req.method }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  const stream = destinationFor(config, fd);
  return stream ? pino(options, stream) : pino(options);
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          providers: [
            {
              provide: RequestLogging,
              inject: [AppConfig],
              useFactory: (config: AppConfig) =>
                new RequestLogging(rootLogger(config, options.destination ?? 1)),
            },
          ],
          inject: [RequestLogging],
          // Nest's Logger writes through the root logger; the request context and access lines
          // come from RequestLogging's middleware (configure-app.ts), so nestjs-pino installs none.
          useFactory: (logging: RequestLogging) => ({
            pinoHttp: { logger: logging.root },
            useExisting: true,
            forRoutes: [],
          }),
        }),
      ],
    };
  }
}
