import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import helmet from 'helmet';
import type { GradingQueue } from '../queue/grading-queue.js';

/**
 * The operator dashboard for the grading queues (@bull-board): waiting, active, delayed,
 * completed and failed jobs, with retry. Mounted behind the admin token by createApp. Job data
 * is the attempt id only (never credentials), so the dashboard shows nothing secret.
 */
export function createQueueDashboard(queues: GradingQueue[], basePath: string): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
  });
  const router = serverAdapter.getRouter() as Router;
  // The dashboard's page bootstraps itself with an inline script and inline styles.
  return [
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", "'unsafe-inline'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
    router,
  ] as unknown as Router;
}
