import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter } from 'src/common/http/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from 'src/common/http/problem';
import { noStoreMiddleware } from 'src/common/http/no-store.middleware';
import { requestIdMiddleware } from 'src/common/http/request-id.middleware';
import { jsonDeeperThan, MAX_JSON_DEPTH } from 'src/common/http/input-limits';
import { InputTextPipe } from 'src/common/http/input-text.pipe';
import { ValidationFailed } from 'src/common/http/validation-failed';
import { createValidationPipe } from 'src/common/http/validation.pipe';
import { DeniedCallsRecorder } from 'src/audit/denied/denied-calls.recorder';
import { AppConfig } from 'src/config/app-config';
import { metricsMiddleware } from 'src/health/metrics.middleware';
import { MetricsService } from 'src/health/metrics.service';
import { mountQueueBoard } from './queue-board';
import { setupSwagger } from './swagger';

const API_CSP = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};
/** Swagger UI and the queue board are pages: they load their own scripts, styles and images. */
const UI_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

/** Runs on the raw bytes, so a deeply nested body is refused before it is parsed at all. */
function refuseDeepJson(_req: Request, _res: Response, raw: Buffer): void {
  if (jsonDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw new ValidationFailed([
      { field: 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
}

function securityHeaders(csp: Record<string, string[]>) {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: csp },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    noSniff: true,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}

/** Everything the HTTP app needs beyond its modules; shared by `main.ts` and the e2e tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  const filter = new ProblemDetailsFilter();
  const apiHeaders = securityHeaders(API_CSP);
  const uiHeaders = securityHeaders(UI_CSP);

  app.use(requestIdMiddleware);
  app.use(noStoreMiddleware);
  app.use(metricsMiddleware(app.get(MetricsService)));
  app.use(app.get(DeniedCallsRecorder).middleware());
  app.use((req: Request, res: Response, next: NextFunction) =>
    req.path.startsWith('/docs') || req.path.startsWith('/admin/queues')
      ? uiHeaders(req, res, next)
      : apiHeaders(req, res, next),
  );
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
  app.use(
    json({
      limit: config.bodyLimit,
      type: ['application/json', 'application/*+json'],
      verify: refuseDeepJson,
    }),
  );
  // Body-parser errors (malformed JSON, too large) are Express errors, outside Nest's filters.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      return next(err);
    }
    const body = filter.toProblem(err, req);
    res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  });
  mountQueueBoard(app);
  app.useGlobalPipes(new InputTextPipe(), createValidationPipe());
  app.useGlobalFilters(filter);
  setupSwagger(app);
}
