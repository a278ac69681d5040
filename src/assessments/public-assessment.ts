import { requiresCluster, type Assessment } from './assessment.js';
import { clusterResourcesRead } from './cluster-access.js';
import type { AssessmentInputs, CheckKind } from './format/assessment-file.js';
import type { QuizQuestion } from './format/quiz-question.js';

/**
 * What learners and integrations may see of a rubric before grading. Built field by field
 * (never by copying and deleting) so that a field added to the format later stays private
 * until someone decides to publish it: no answer keys, concepts, synonyms or expected values.
 */
export interface PublicAssessment {
  id: string;
  version: string;
  title: string;
  summary: string;
  /** Fraction of maxScore needed to pass. */
  passingScore: number;
  maxScore: number;
  timeLimitMinutes: number;
  inputs: AssessmentInputs;
  /** Whether the attempt must include access to the learner's cluster. */
  requiresCluster: boolean;
  /**
   * What the grader reads in the learner's namespace (Role resources, get/list/watch), when the
   * rubric has cluster checks: `configmaps` appears only for a rubric that checks ConfigMaps,
   * which then needs deploy/grader-rbac-configmaps.yaml besides deploy/grader-rbac.yaml.
   */
  clusterAccess?: { resources: string[] };
  checks: { id: string; title: string; points: number; kind: CheckKind }[];
  quiz: PublicQuizQuestion[];
}

export interface PublicQuizQuestion {
  id: string;
  prompt: string;
  type: QuizQuestion['type'];
  points: number;
  choices?: { id: string; text: string }[];
}

export function toPublicAssessment(assessment: Assessment): PublicAssessment {
  return {
    id: assessment.id,
    version: assessment.version,
    title: assessment.title,
    summary: assessment.summary,
    passingScore: assessment.passingScore,
    maxScore: assessment.maxScore,
    timeLimitMinutes: assessment.timeLimitMinutes,
    inputs: {
      manifest: assessment.inputs.manifest,
      namespace: assessment.inputs.namespace,
      allowInsecureTls: assessment.inputs.allowInsecureTls,
    },
    requiresCluster: requiresCluster(assessment),
    ...(requiresCluster(assessment)
      ? { clusterAccess: { resources: clusterResourcesRead(assessment) } }
      : {}),
    checks: assessment.checks.map((check) => ({
      id: check.id,
      title: check.title,
      points: check.points,
      kind: check.kind,
    })),
    quiz: assessment.quiz.map(toPublicQuestion),
  };
}

function toPublicQuestion(question: QuizQuestion): PublicQuizQuestion {
  const shown: PublicQuizQuestion = {
    id: question.id,
    prompt: question.prompt,
    type: question.type,
    points: question.points,
  };
  if (question.type !== 'free-text') {
    shown.choices = question.choices.map((choice) => ({ id: choice.id, text: choice.text }));
  }
  return shown;
}
