import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
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
import { RequestLogging } from 'src/logging/request-logging';
import { mountPageAssets } from 'src/pages/page-assets';
import { QUEUE_BOARD_PATH } from 'src/pages/queue-board/queue-board-cookie';
import { ASSETS_PATH } from 'src/pages/render/layout';
import { mountQueueBoard } from './queue-board';
import { securityHeaders } from './security-headers';
import { setupSwagger } from './swagger';

const API_CSP = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};
/** Swagger UI is a page: it loads its own scripts, styles and images. */
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

/**
 * The privacy center and the console: scripts and styles only from same-origin files (no inline
 * code at all), data only from this service's API.
 */
const PAGE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};
/**
 * The queue board's page resolves its assets against `<base href="/admin/queues/">`, so it needs
 * `base-uri 'self'`; its inline styles (a loading spinner, React style props) need
 * `'unsafe-inline'` for styles, never for scripts. Fonts only from here: its link to a font host
 * is removed from the page (queue-board.ts).
 */
const BOARD_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};
const PAGE_PATHS = ['/privacy', '/console', ASSETS_PATH];

const under = (path: string, prefix: string): boolean =>
  path === prefix || path.startsWith(`${prefix}/`);

/** Runs on the raw bytes, so a deeply nested body is refused before it is parsed at all. */
function refuseDeepJson(_req: Request, _res: Response, raw: Buffer): void {
  if (jsonDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw new ValidationFailed([
      { field: 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  }
}

/** Everything the HTTP app needs beyond its modules; shared by `main.ts` and the e2e tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Express hashes every answer it sends for an ETag; API answers are not stored (no-store) and
  // never revalidated, and a batch's hash cost a twentieth of its CPU. The pages set their own,
  // and static assets get theirs from the file server.
  app.set('etag', false);
  const filter = new ProblemDetailsFilter();
  const apiHeaders = securityHeaders(API_CSP);
  const uiHeaders = securityHeaders(UI_CSP);
  const pageHeaders = securityHeaders(PAGE_CSP);
  const boardHeaders = securityHeaders(BOARD_CSP);

  app.use(requestIdMiddleware);
  app.use(app.get(RequestLogging).middleware);
  app.use(noStoreMiddleware);
  app.use(metricsMiddleware(app.get(MetricsService)));
  app.use(app.get(DeniedCallsRecorder).middleware());
  app.use((req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    const headers = path.startsWith('/docs')
      ? uiHeaders
      : under(path, QUEUE_BOARD_PATH)
        ? boardHeaders
        : PAGE_PATHS.some((p) => under(path, p))
          ? pageHeaders
          : apiHeaders;
    headers(res);
    next();
  });
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
  mountPageAssets(app);
  mountQueueBoard(app);
  app.useGlobalPipes(new InputTextPipe(), createValidationPipe());
  app.useGlobalFilters(filter);
  setupSwagger(app);
}
