import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Assessment } from '../../src/assessments/assessment.js';
import { parseAssessment } from '../../src/assessments/parse-assessment.js';
import { toPublicAssessment } from '../../src/assessments/public-assessment.js';

function load(relative: string, id: string): Assessment {
  const file = fileURLToPath(new URL(relative, import.meta.url));
  return parseAssessment({ bytes: readFileSync(file), file, expectedId: id });
}

const assessments = [
  load('../../assessments/first-pod/assessment.yaml', 'first-pod'),
  load('../fixtures/assessments/choice-quiz/assessment.yaml', 'choice-quiz'),
  load('../fixtures/assessments/cluster-kinds/assessment.yaml', 'cluster-kinds'),
];

function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, child]) => [key, ...allKeys(child)]);
  return [];
}

describe('toPublicAssessment', () => {
  it.each(assessments.map((assessment) => [assessment.id, assessment] as const))(
    'shows no answer key for %s',
    (_id, assessment) => {
      const shown = toPublicAssessment(assessment);
      const keys = allKeys(shown);
      for (const secret of [
        'concepts',
        'synonyms',
        'patterns',
        'correct',
        'expect',
        'expectFromManifest',
        'feedback',
        'hint',
        'select',
        'scoring',
      ]) {
        expect(keys).not.toContain(secret);
      }
    },
  );

  it('does not leak the words the quiz concepts look for', () => {
    const text = JSON.stringify(toPublicAssessment(assessments[0] as Assessment));
    // Check titles may name what the lesson asks for (nginx:1.28, port 80); concept words are the answer.
    for (const secret of [
      'ImagePullBackOff',
      'ErrImagePull',
      'Insufficient',
      'FailedScheduling',
      'cannot be scheduled',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('gives the public definition of first-pod', () => {
    const shown = toPublicAssessment(assessments[0] as Assessment);
    expect(shown).toEqual({
      id: 'first-pod',
      version: '2.1.0',
      title: expect.any(String),
      summary: expect.any(String),
      passingScore: 0.7,
      maxScore: 27,
      timeLimitMinutes: 45,
      inputs: { manifest: 'my-pod.yaml', namespace: 'default', allowInsecureTls: false },
      requiresCluster: true,
      clusterAccess: {
        resources: ['deployments', 'events', 'pods', 'pods/log', 'replicasets', 'services'],
      },
      checks: expect.arrayContaining([
        { id: 'container-port-80', title: expect.any(String), points: 2, kind: 'manifest' },
        { id: 'pod-deleted-not-recreated', title: expect.any(String), points: 3, kind: 'timeline' },
      ]),
      quiz: [
        {
          id: 'pending-causes',
          prompt: expect.stringContaining('Pending'),
          type: 'free-text',
          points: 4,
        },
      ],
    });
    expect(shown.checks).toHaveLength(15);
  });

  it('shows the choices of choice questions, but not which are correct', () => {
    const shown = toPublicAssessment(assessments[1] as Assessment);
    expect(shown.quiz[0]).toEqual({
      id: 'core-api-version',
      prompt: 'Which apiVersion does a Pod use?',
      type: 'single-choice',
      points: 2,
      choices: [
        { id: 'v1', text: 'v1' },
        { id: 'apps-v1', text: 'apps/v1' },
        { id: 'batch-v1', text: 'batch/v1' },
      ],
    });
  });

  it('says when an assessment needs the learner cluster', () => {
    expect(toPublicAssessment(assessments[2] as Assessment).requiresCluster).toBe(true);
  });
});
