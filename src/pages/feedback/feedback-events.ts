import type { Request, Response } from 'express';
import type { Logger } from '../../logging/logger.js';
import { isLive, renderFeedbackContent, type FeedbackPageModel } from './feedback-page.js';

/**
 * The feedback page's live updates: Server-Sent Events fed by polling PostgreSQL (the grader
 * writes each check as it finishes). Bounded three ways: one poll per interval per stream, a
 * lifetime after which the browser reconnects (EventSource does so by itself), and a cap on
 * open streams per process, beyond which the page falls back to its <noscript> refresh.
 */

export interface LiveUpdateLimits {
  pollMs: number;
  maxStreamMs: number;
  maxStreams: number;
}

export const defaultLiveUpdateLimits: LiveUpdateLimits = {
  pollMs: 1_000,
  maxStreamMs: 10 * 60_000,
  maxStreams: 500,
};

export function createFeedbackEventStream(options: {
  limits: LiveUpdateLimits;
  logger: Logger;
}): (
  req: Request,
  res: Response,
  load: () => Promise<FeedbackPageModel | undefined>,
) => Promise<void> {
  let open = 0;
  return async (req, res, load) => {
    if (open >= options.limits.maxStreams) {
      res
        .status(503)
        .set('Retry-After', '30')
        .type('text/plain')
        .send('Too many live pages; retry later.');
      return;
    }
    open += 1;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n\n');

    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const deadline = Date.now() + options.limits.maxStreamMs;
    let last = '';
    try {
      while (!closed && Date.now() < deadline) {
        const model = await load();
        if (!model) break;
        const print = fingerprint(model);
        if (print !== last) {
          last = print;
          send(res, 'update', {
            status: model.attempt.status,
            title: `${model.assessment?.title ?? model.attempt.assessmentId}: your feedback`,
            html: renderFeedbackContent(model).text,
          });
        }
        if (!isLive(model.attempt.status)) {
          send(res, 'done', { status: model.attempt.status });
          break;
        }
        await pause(options.limits.pollMs, () => closed);
      }
    } catch (error) {
      options.logger.warn({ err: error }, 'feedback live updates stopped');
    } finally {
      open -= 1;
      res.end();
    }
  };
}

function send(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** What changes the page: status, each check's outcome and points, the score, overrides. */
function fingerprint(model: FeedbackPageModel): string {
  return JSON.stringify([
    model.attempt.status,
    model.attempt.score,
    model.attempt.checks.map((check) => [check.id, check.outcome, check.points]),
    model.attempt.quiz.map((answer) => [answer.questionId, answer.points]),
    model.overrides.map((override) => [override.id, override.needsReview]),
    model.timeline === undefined,
  ]);
}

function pause(ms: number, stop: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A closed connection ends the wait early instead of holding the loop for a whole interval.
    const check = setInterval(
      () => {
        if (stop()) {
          clearTimeout(timer);
          clearInterval(check);
          resolve();
        }
      },
      Math.min(ms, 250),
    );
    timer.unref?.();
    setTimeout(() => clearInterval(check), ms).unref?.();
  });
}
