import { Router } from 'express';
import { AppError } from '../errors/app-error.js';
import { z } from 'zod';
import { documented } from './openapi/route-doc.js';
import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { toPublicAssessment } from '../assessments/public-assessment.js';

const assessmentListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      title: z.string(),
      summary: z.string(),
      maxScore: z.number(),
      href: z.string(),
    }),
  ),
});

/** What learners and integrations may see of a rubric (no answer keys). */
const publicAssessmentSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    title: z.string(),
    summary: z.string(),
    passingScore: z.number(),
    maxScore: z.number(),
    timeLimitMinutes: z.number(),
    requiresCluster: z.boolean(),
    clusterAccess: z
      .object({
        resources: z
          .array(z.string())
          .meta({ description: 'Role resources the grader gets, lists and watches' }),
      })
      .optional(),
    checks: z.array(
      z.object({ id: z.string(), title: z.string(), points: z.number(), kind: z.string() }),
    ),
    quiz: z.array(
      z.object({
        id: z.string(),
        prompt: z.string(),
        type: z.string(),
        points: z.number(),
        choices: z.array(z.object({ id: z.string(), text: z.string() })).optional(),
      }),
    ),
  })
  .loose();

const listDoc = documented({
  summary: 'List the assessments this service grades',
  tag: 'Assessments',
  access: 'api-key',
  responses: {
    200: {
      description: 'Every deployed assessment, latest version.',
      schema: assessmentListSchema,
      example: {
        items: [
          {
            id: 'first-pod',
            version: '2.1.0',
            title: 'Your first Pod',
            summary: 'Write a Pod manifest, run it, then delete it.',
            maxScore: 20,
            href: '/v1/assessments/first-pod',
          },
        ],
      },
    },
  },
});

const readDoc = documented({
  summary: 'Read one assessment: inputs, checks and quiz questions (no answer keys)',
  tag: 'Assessments',
  access: 'api-key',
  params: { id: "The assessment's id." },
  responses: { 200: { description: 'The public rubric.', schema: publicAssessmentSchema } },
  errors: ['ASSESSMENT_NOT_FOUND'],
});

export function createAssessmentsRouter(catalog: AssessmentCatalog): Router {
  const router = Router();

  router.get('/', listDoc, (_req, res) => {
    const items = catalog.list().map((assessment) => {
      const { id, version, title, summary, maxScore } = toPublicAssessment(assessment);
      return { id, version, title, summary, maxScore, href: `/v1/assessments/${id}` };
    });
    res.json({ items });
  });

  router.get('/:id', readDoc, (req, res) => {
    const assessment = catalog.get(String(req.params.id));
    if (!assessment) {
      throw new AppError('ASSESSMENT_NOT_FOUND', `No assessment "${req.params.id}".`, {
        assessmentId: req.params.id,
      });
    }
    res.json(toPublicAssessment(assessment));
  });

  return router;
}
