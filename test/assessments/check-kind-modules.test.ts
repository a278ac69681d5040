import { buildAssessmentJsonSchema } from '../../src/assessments/assessment-json-schema.js';
import { longestClusterWaitSeconds } from '../../src/assessments/assessment.js';
import { parseAssessment, type AssessmentIssue } from '../../src/assessments/parse-assessment.js';
import { AppError } from '../../src/errors/app-error.js';
import { builtInCheckKinds } from '../../src/grading/checks/built-in-check-kinds.js';
import { gradeAttempt } from '../../src/grading/grade-attempt.js';
import { documentCountCheckKind } from '../fixtures/check-kinds/document-count-check.js';

const withFixtureKind = [...builtInCheckKinds, documentCountCheckKind];

function rubric(check: string): Uint8Array {
  return new TextEncoder().encode(`id: sample
version: 1.0.0
title: Sample
summary: A sample with a check kind defined in a test fixture.
passingScore: 0.5
timeLimitMinutes: 10
inputs: { manifest: pod.yaml }
checks:
${check}
`);
}

const documentCount = `  - id: two-documents
    title: Two documents
    points: 2
    kind: document-count
    documents: 2
    feedback:
      failed:
        too-few: Put both objects in the file.`;

function issuesOf(parse: () => unknown): AssessmentIssue[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof AppError) return (error.details as { issues: AssessmentIssue[] }).issues;
    throw error;
  }
  throw new Error('expected the rubric to be rejected');
}

describe('a check kind defined as one module', () => {
  it('appears in the JSON Schema built with it, with its fields and its failure modes', () => {
    const text = JSON.stringify(buildAssessmentJsonSchema(withFixtureKind));
    expect(text).toContain('"const":"document-count"');
    expect(text).toContain('"documents"');
    expect(text).toContain('"too-few"');
    expect(JSON.stringify(buildAssessmentJsonSchema())).not.toContain('document-count');
  });

  it('is accepted by the validator built with it, and only by that one', () => {
    const bytes = rubric(documentCount);
    const file = 'assessments/sample/assessment.yaml';
    const loaded = parseAssessment({ bytes, file, checkKinds: withFixtureKind });
    expect(loaded.checks.map((check) => check.kind)).toEqual(['document-count']);
    expect(loaded.maxScore).toBe(2);
    expect(issuesOf(() => parseAssessment({ bytes, file }))[0]?.path).toBe('checks[0].kind');
  });

  it('takes feedback only for the failure modes it declares', () => {
    const bytes = rubric(documentCount.replace('too-few:', 'object-absent:'));
    const issues = issuesOf(() =>
      parseAssessment({ bytes, file: 'a.yaml', checkKinds: withFixtureKind }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['checks[0].feedback.failed.object-absent']);
  });

  it('is run by the engine with its own runner and feedback, and waits on nothing', async () => {
    const assessment = parseAssessment({
      bytes: rubric(documentCount),
      file: 'a.yaml',
      checkKinds: withFixtureKind,
    });
    const grade = await gradeAttempt({
      assessment,
      submission: { manifest: 'kind: Pod\n', answers: {} },
      checkKinds: withFixtureKind,
    });
    expect(grade.checks[0]).toEqual(
      expect.objectContaining({
        outcome: 'failed',
        details: { failureMode: 'too-few' },
        message: 'Put both objects in the file. The manifest has 1 documents, not 2.',
      }),
    );
    expect(longestClusterWaitSeconds({ checks: [] })).toBe(0);
  });

  it('lists every built-in kind with a runner, its failure modes and a schema whose kind is its own', () => {
    for (const kind of builtInCheckKinds) {
      expect(kind.failureModes.length).toBeGreaterThan(0);
      expect(kind.schema.shape.kind.value).toBe(kind.kind);
      expect(typeof kind.run).toBe('function');
    }
    expect(new Set(builtInCheckKinds.map((kind) => kind.kind)).size).toBe(builtInCheckKinds.length);
  });
});
