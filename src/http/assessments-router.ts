import { Router } from 'express';
import { AppError } from '../errors/app-error.js';
import { namedRoute } from './request-logging.js';
import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { toPublicAssessment } from '../assessments/public-assessment.js';

export function createAssessmentsRouter(catalog: AssessmentCatalog): Router {
  const router = Router();

  router.get('/', namedRoute, (_req, res) => {
    const items = catalog.list().map((assessment) => {
      const { id, version, title, summary, maxScore } = toPublicAssessment(assessment);
      return { id, version, title, summary, maxScore, href: `/v1/assessments/${id}` };
    });
    res.json({ items });
  });

  router.get('/:id', namedRoute, (req, res) => {
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
