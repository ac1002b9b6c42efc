import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { CallerResolver } from 'src/auth/access/caller-resolver.service';
import { problem, PROBLEM_CONTENT_TYPE } from 'src/common/http/problem';
import { boardCookieToken, QUEUE_BOARD_PATH } from 'src/pages/queue-board/queue-board-cookie';
import { QUEUE_NAMES } from 'src/queue/queue-names';

/** The board's page links a web font from another host; the page CSP would block it anyway. */
export const withoutForeignLinks = (page: string): string =>
  // eslint-disable-next-line security/detect-unsafe-regex -- runs only on the board's own bundled page, never on input
  page.replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>\s*/gi, '');

type Render = (view: string, options: object, callback: (err: Error, page: string) => void) => void;

/** Sends the board's rendered page without links to other hosts. */
function firstPartyPage(_req: Request, res: Response, next: NextFunction): void {
  res.render = (view: string, options?: object) => {
    // Looked up at call time: the board's own Express app (and its view engine) renders it.
    const render = (Object.getPrototypeOf(res) as { render: Render }).render;
    render.call(res, view, options ?? {}, (err, page) =>
      err ? next(err) : res.type('html').send(withoutForeignLinks(page)),
    );
  };
  next();
}

/**
 * Bull Board at /admin/queues, for admin users only: with `Authorization: Bearer` as the API, or
 * in a browser with the cookie the console sets (`POST /v1/admin/queue-board/session`), which
 * carries the same token and so is checked the same way on every request.
 */
export function mountQueueBoard(app: NestExpressApplication): void {
  // Every listed queue must be registered by its module: a missing one stops the start.
  const queues = QUEUE_NAMES.map(
    (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })),
  );
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues, serverAdapter: adapter });
  const callers = app.get(CallerResolver);

  const adminOnly = (req: Request, res: Response, next: NextFunction): void => {
    const cookie = boardCookieToken(req.headers.cookie);
    const credential = req.headers.authorization ?? (cookie ? `Bearer ${cookie}` : undefined);
    callers
      .resolve(credential)
      .then((caller) => {
        if (!caller) {
          res
            .status(401)
            .type(PROBLEM_CONTENT_TYPE)
            .send(JSON.stringify(problem(401, 'unauthorized', 'Missing or invalid credentials.')));
        } else if (caller.kind !== 'user' || !caller.roles.includes('admin')) {
          res
            .status(403)
            .type(PROBLEM_CONTENT_TYPE)
            .send(
              JSON.stringify(
                problem(403, 'forbidden', 'Only admin users may open the queue board.'),
              ),
            );
        } else {
          next();
        }
      })
      .catch(next);
  };
  app.use(
    QUEUE_BOARD_PATH,
    adminOnly,
    firstPartyPage,
    adapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void,
  );
}
