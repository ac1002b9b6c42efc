import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination, levels, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import pinoPretty from 'pino-pretty';
import { AppConfig } from 'src/config/app-config';
import { loggableTarget } from './log-path';
import { redactLogLine } from './pii-log-redactor';
import { isProbe, isStartupNoise } from './quiet-contexts';
import { REDACT_PATHS } from './redact-paths';

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

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            const requestLineLevel =
              (levels.values[config.logLevel] ?? Infinity) > levels.values.info ? 'silent' : 'info';
            const pinoHttp: Options = {
              level: config.logLevel,
              // The request id middleware runs first and sets req.id.
              genReqId: (req) => req.id,
              // Bound at the start for every line of the request, and again when the response is
              // done, when the route is known: only then is the URL described.
              customProps: (req, res) =>
                res.writableFinished ? loggableTarget(req) : { requestId: req.id },
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
                // The URL is added once routed (see customProps): paths hold identifiers and tokens.
                req: (req: { id: unknown; method: string }) => ({ id: req.id, method: req.method }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              autoLogging: { ignore: (req) => isProbe(req.url) },
              // Request lines are written at info: below that level pino-http skips the finished
              // request at once instead of binding a child logger for a line it then drops.
              customLogLevel: () => requestLineLevel,
            };
            const stream = destinationFor(config, options.destination ?? 1);
            return { pinoHttp: stream ? [pinoHttp, stream] : pinoHttp };
          },
        }),
      ],
    };
  }
}
