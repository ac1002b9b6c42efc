import type { NestExpressApplication } from '@nestjs/platform-express';
import { static as serveStatic, type NextFunction, type Request, type Response } from 'express';
import { dirname, join } from 'node:path';
import { ASSETS_PATH } from './render/layout';

/** Chart.js's own browser build, from the installed (pinned) package: served here, no CDN. */
const CHART_JS = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/** Revalidated on every load (ETag), so a deploy never leaves a browser on an old script. */
const revalidate = (res: Response): void => {
  res.setHeader('Cache-Control', 'no-cache');
};

/** The pages' scripts and stylesheet, same origin, so their CSP needs no inline code. */
export function mountPageAssets(app: NestExpressApplication): void {
  app.use(`${ASSETS_PATH}/vendor`, (req: Request, res: Response, next: NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/chart.umd.min.js') {
      revalidate(res);
      res.sendFile(CHART_JS);
    } else {
      next();
    }
  });
  app.use(
    ASSETS_PATH,
    serveStatic(join(__dirname, 'assets'), {
      index: false,
      dotfiles: 'deny',
      setHeaders: revalidate,
    }),
  );
}
