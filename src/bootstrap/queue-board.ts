import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { CallerResolver } from 'src/auth/access/caller-resolver.service';
import { problem, PROBLEM_CONTENT_TYPE } from 'src/common/http/problem';
import { QUEUE_NAMES } from 'src/queue/queue-names';

const BASE_PATH = '/admin/queues';

/** Bull Board at /admin/queues, behind the same credentials as the API and for admins only. */
export function mountQueueBoard(app: NestExpressApplication): void {
  // Every listed queue must be registered by its module: a missing one stops the start.
  const queues = QUEUE_NAMES.map(
    (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })),
  );
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BASE_PATH);
  createBullBoard({ queues, serverAdapter: adapter });
  const callers = app.get(CallerResolver);

  const adminOnly = (req: Request, res: Response, next: NextFunction): void => {
    callers
      .resolve(req.headers.authorization)
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
    BASE_PATH,
    adminOnly,
    adapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void,
  );
}
