import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';
import { loggablePath } from './log-path';
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
              customProps: (req) => ({ requestId: req.id }),
              redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
              hooks: { streamWrite: redactLogLine },
              serializers: {
                // Query strings may carry identifiers and some paths carry tokens.
                req: (req: { id: unknown; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  path: loggablePath(req.url),
                }),
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
