import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';
import { loggableTarget } from './log-path';
import { redactLogLine } from './pii-log-redactor';
import { REDACT_PATHS } from './redact-paths';

@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.logLevel,
              // The request id middleware runs first and sets req.id.
              genReqId: (req) => req.id,
              // Bound at the start for every line of the request, and again when the response is
              // done, when the route is known: only then is the URL described.
              customProps: (req, res) =>
                res.writableFinished ? loggableTarget(req) : { requestId: req.id },
              redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
              hooks: { streamWrite: redactLogLine },
              serializers: {
                // The URL is added once routed (see customProps): paths hold identifiers and tokens.
                req: (req: { id: unknown; method: string }) => ({ id: req.id, method: req.method }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              autoLogging: { ignore: (req) => req.url === '/health/live' },
            },
          }),
        }),
      ],
    };
  }
}
