import { Router, type Response } from 'express';
import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import type { AttemptRepository } from '../attempts/attempt-repository.js';
import { isAppError } from '../errors/app-error.js';
import type { LinkSigner } from '../links/signed-links.js';
import type { Logger } from '../logging/logger.js';
import type { ResultsRepository } from '../results/results-repository.js';
import { feedbackScript } from './assets/feedback-script.js';
import { stylesheet } from './assets/stylesheet.js';
import {
  createFeedbackEventStream,
  defaultLiveUpdateLimits,
  type LiveUpdateLimits,
} from './feedback/feedback-events.js';
import { renderFeedbackPage } from './feedback/feedback-page.js';
import { loadFeedbackPage } from './feedback/load-feedback-page.js';
import { renderMessagePage } from './layout.js';
import {
  feedbackEventsDoc,
  feedbackPageDoc,
  feedbackScriptDoc,
  instructorPageDoc,
  stylesheetDoc,
} from './page-route-docs.js';
import { readFilterForm, reportFilterOf } from './instructor/instructor-filters.js';
import { renderInstructorPage } from './instructor/instructor-page.js';
import type { InstructorReport, InstructorReportFilter } from '../results/instructor-report.js';

export interface PagesDependencies {
  attempts: AttemptRepository;
  results: ResultsRepository;
  catalog: AssessmentCatalog;
  links: LinkSigner;
  logger: Logger;
  liveUpdates?: Partial<LiveUpdateLimits>;
  /** The instructor views' aggregates; without it /instructor/... is not served. */
  instructorReports?: { read(filter: InstructorReportFilter): Promise<InstructorReport> };
}

/**
 * The browser side of kubegrade: HTML pages reached through signed links (never an API key),
 * their stylesheet and their one script. Errors here are pages, not JSON.
 */
export function createPagesRouter(deps: PagesDependencies): Router {
  const router = Router();
  const stream = createFeedbackEventStream({
    limits: { ...defaultLiveUpdateLimits, ...deps.liveUpdates },
    logger: deps.logger,
  });

  router.get('/assets/kubegrade.css', stylesheetDoc, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(stylesheet);
  });
  router.get('/assets/feedback.js', feedbackScriptDoc, (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'public, max-age=300').send(feedbackScript);
  });

  router.get('/feedback/:token', feedbackPageDoc, async (req, res) => {
    await asPage(res, async () => {
      const grant = await deps.links.readFeedbackToken(req.params.token);
      const model = await loadFeedbackPage(deps, { attemptId: grant.attemptId });
      if (!model) return notFound(res);
      res
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(
          renderFeedbackPage(model, `/feedback/${encodeURIComponent(req.params.token)}/events`),
        );
    });
  });

  router.get('/feedback/:token/events', feedbackEventsDoc, async (req, res) => {
    await asPage(res, async () => {
      const grant = await deps.links.readFeedbackToken(req.params.token);
      await stream(req, res, () => loadFeedbackPage(deps, { attemptId: grant.attemptId }));
    });
  });

  const reports = deps.instructorReports;
  if (reports) {
    // The link names the tenant and assessment (and course); the query only narrows them.
    router.get('/instructor/:token', instructorPageDoc, async (req, res) => {
      await asPage(res, async () => {
        const grant = await deps.links.readInstructorToken(req.params.token);
        const form = readFilterForm(req.query);
        const report = await reports.read(reportFilterOf(grant, form));
        // Each listed attempt opens the learner's own feedback page (a link of its own kind,
        // so the instructor's link never opens anything but the views).
        const listed = report.learners.flatMap((learner) => [
          learner.latest.id,
          ...(learner.best ? [learner.best.id] : []),
        ]);
        const feedbackUrls = new Map(
          await Promise.all(
            [...new Set(listed)].map(
              async (id) =>
                [id, `/feedback/${(await deps.links.feedbackToken(id)).token}`] as const,
            ),
          ),
        );
        res
          .set('Cache-Control', 'no-store')
          .type('html')
          .send(
            renderInstructorPage({
              grant,
              form,
              report,
              assessment: deps.catalog.get(grant.assessmentId),
              pageUrl: `/instructor/${encodeURIComponent(req.params.token)}`,
              feedbackUrls,
            }),
          );
      });
    });
  }

  return router;
}

function notFound(res: Response): void {
  res
    .status(404)
    .type('html')
    .send(renderMessagePage('Not found', 'There is nothing at this link any more.'));
}

/** Runs a page handler; a bad or expired link becomes a page that says so (403). */
export async function asPage(res: Response, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (error) {
    if (isAppError(error) && error.code === 'LINK_INVALID') {
      res
        .status(403)
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(renderMessagePage('Link not valid', error.message));
      return;
    }
    throw error;
  }
}
