import { Router } from 'express';
import { z } from 'zod';
import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { AppError } from '../errors/app-error.js';
import { principalOf } from '../http/authentication.js';
import { documented } from '../http/openapi/route-doc.js';
import { parseBody } from '../http/parse-body.js';
import type { LinkUrls } from './link-urls.js';

const instructorLinkRequestSchema = z.strictObject({
  assessmentId: z.string().min(1).max(100),
  /** Limit the view to one course; without it the view covers every course of the tenant. */
  courseId: z.string().min(1).max(200).optional(),
  /** Who the link is for (the LMS's user id of the instructor); shown on the page. */
  instructor: z.string().trim().min(1).max(200),
});

const instructorLinkSchema = z.object({
  url: z.string(),
  expiresAt: z.iso.datetime(),
});

const createLinkDoc = documented({
  summary: 'Make a signed link to the instructor view of an assessment',
  tag: 'Results',
  access: { scope: 'results:read' },
  body: instructorLinkRequestSchema,
  bodyExample: { assessmentId: 'first-pod', courseId: 'k8s-101', instructor: 'teacher-7' },
  responses: {
    201: {
      description: 'The link, for the LMS to hand to the instructor.',
      schema: instructorLinkSchema,
      example: {
        url: 'https://grader.example.org/instructor/eyJhbGciOiJIUzI1NiJ9.e30.c2ln',
        expiresAt: '2026-11-29T18:00:00.000Z',
      },
    },
  },
  errors: ['ASSESSMENT_NOT_FOUND'],
});

/**
 * POST /v1/instructor-links (scope results:read): a signed, expiring link to the instructor view
 * of one assessment (and course) of the caller's tenant, for the LMS to hand to the instructor's
 * browser, so the API key itself never goes there.
 */
export function createInstructorLinksRouter(deps: {
  catalog: AssessmentCatalog;
  linkUrls: LinkUrls;
}): Router {
  const router = Router();
  router.post('/instructor-links', createLinkDoc, async (req, res) => {
    const { tenantId } = principalOf(res);
    const body = parseBody(instructorLinkRequestSchema, req.body);
    if (!deps.catalog.get(body.assessmentId)) {
      throw new AppError('ASSESSMENT_NOT_FOUND', `No assessment "${body.assessmentId}".`, {
        id: body.assessmentId,
      });
    }
    const link = await deps.linkUrls.instructor({ tenantId, ...body });
    res.status(201).json({ url: link.url, expiresAt: link.expiresAt.toISOString() });
  });
  return router;
}
