import { gradeAttempt } from '../../src/grading/grade-attempt.js';
import type { AttemptGrade, CheckGrade } from '../../src/grading/attempt-grade.js';
import { loadAssessment, referenceManifest } from './load-fixture-assessment.js';

// The first-pod manifest checks, without its cluster checks (graded here without a cluster).
const firstPod = loadAssessment('manifest-only-pod');
const fullQuizAnswer = {
  'pending-causes':
    'Insufficient cpu on every node (FailedScheduling), or ErrImagePull / ImagePullBackOff.',
};

async function grade(
  manifest: string,
  answers: Record<string, string> = fullQuizAnswer,
): Promise<AttemptGrade> {
  return gradeAttempt({ assessment: firstPod, submission: { manifest, answers } });
}

function lostChecks(result: AttemptGrade): CheckGrade[] {
  return result.checks.filter((check) => check.points < check.maxPoints);
}

function onlyLostCheck(result: AttemptGrade): CheckGrade {
  const lost = lostChecks(result);
  expect(lost.map((check) => check.id)).toHaveLength(1);
  return lost[0] as CheckGrade;
}

describe('grading the first-pod manifest', () => {
  it('uses exactly the manifest checks and quiz of the real first-pod rubric', () => {
    const real = loadAssessment('first-pod');
    expect(firstPod.checks).toEqual(real.checks.filter((check) => check.kind === 'manifest'));
    expect(firstPod.quiz).toEqual(real.quiz);
  });

  it('gives the reference manifest full marks, every check passed', async () => {
    const result = await grade(referenceManifest);
    expect(result.checks.length).toBeGreaterThanOrEqual(7);
    for (const check of result.checks) {
      expect(check).toEqual(
        expect.objectContaining({ outcome: 'passed', points: check.maxPoints }),
      );
      expect(check.hint).toBeUndefined();
    }
    expect(result.score).toBe(result.maxScore);
    expect(result.maxScore).toBe(firstPod.maxScore);
    expect(result.passed).toBe(true);
  });

  it('keeps the parsed manifest as evidence', async () => {
    const result = await grade(referenceManifest);
    expect(result.evidence).toContainEqual({
      kind: 'manifest',
      data: {
        documents: [
          expect.objectContaining({
            kind: 'Pod',
            metadata: { name: 'my-pod', labels: { app: 'web' } },
          }),
        ],
      },
    });
  });

  it('takes exactly the port check points for containerPort 8080, and says what it found', async () => {
    const reference = await grade(referenceManifest);
    const result = await grade(
      referenceManifest.replace('containerPort: 80', 'containerPort: 8080'),
    );
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('container-port-80');
    expect(lost.outcome).toBe('failed');
    expect(lost.message).toContain(
      'Expected containerPort 80 on container "web", found containerPort 8080',
    );
    expect(lost.hint).toEqual(expect.any(String));
    expect(result.score).toBe(reference.score - lost.maxPoints);
  });

  it('treats the string "80" as wrong and says to drop the quotes', async () => {
    const result = await grade(
      referenceManifest.replace('containerPort: 80', 'containerPort: "80"'),
    );
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('container-port-80');
    expect(lost.message).toContain('found containerPort "80"');
    expect(lost.message).toContain('without quotes');
  });

  it('does not accept "80 " with a trailing space either', async () => {
    const result = await grade(
      referenceManifest.replace('containerPort: 80', 'containerPort: "80 "'),
    );
    expect(onlyLostCheck(result).id).toBe('container-port-80');
  });

  it('takes exactly the label check points when the label is missing, naming the label', async () => {
    const reference = await grade(referenceManifest);
    const withoutLabels = referenceManifest.replace(/\n\s+labels:\n\s+app: web/, '');
    expect(withoutLabels).not.toContain('app: web');
    const result = await grade(withoutLabels);
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('label-app-web');
    expect(lost.message).toContain('app: "web"');
    expect(lost.message).toContain('metadata has no labels');
    expect(result.score).toBe(reference.score - lost.maxPoints);
  });

  it('says which labels it found when app is not among them', async () => {
    const result = await grade(referenceManifest.replace('app: web', 'tier: frontend'));
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('label-app-web');
    expect(lost.message).toContain('metadata.labels has no app (it has tier: "frontend")');
  });

  it('takes the container check points for the wrong image tag', async () => {
    const result = await grade(referenceManifest.replace('nginx:1.28', 'nginx:1.82'));
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('container-web-nginx');
    expect(lost.message).toContain(
      'Expected image "nginx:1.28" on container "web", found "nginx:1.82"',
    );
  });

  it('takes the name check points for another Pod name', async () => {
    const result = await grade(referenceManifest.replace('name: my-pod', 'name: my-app'));
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('pod-name');
    expect(lost.message).toContain('Expected metadata.name "my-pod", found "my-app"');
  });

  it('takes only the kind check points for kind Deployment in a single-document manifest', async () => {
    const result = await grade(referenceManifest.replace('kind: Pod', 'kind: Deployment'));
    const lost = onlyLostCheck(result);
    expect(lost.id).toBe('kind-pod');
    expect(lost.message).toContain('Expected kind "Pod", found "Deployment"');
  });

  it('fails the required-fields check and the checks under spec when spec is missing', async () => {
    const withoutSpec = referenceManifest.replace(/spec:[\s\S]*/, '');
    const result = await grade(withoutSpec);
    expect(
      lostChecks(result)
        .map((check) => check.id)
        .sort(),
    ).toEqual(['container-port-80', 'container-web-nginx', 'required-fields'].sort());
    const requiredFields = result.checks.find((check) => check.id === 'required-fields');
    expect(requiredFields?.message).toContain(
      'Expected spec to be set, but the document has no spec',
    );
  });

  it('finds the Pod when it is the second document of the manifest', async () => {
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  port: "80"\n---\n${referenceManifest}`;
    const result = await grade(manifest);
    expect(lostChecks(result)).toEqual([]);
    expect(result.checks[0]?.details).toEqual(expect.objectContaining({ documentIndex: 1 }));
  });

  it('fails every manifest check with the list of documents when none is a Pod among several', async () => {
    const manifest =
      'kind: ConfigMap\nmetadata: { name: a }\n---\nkind: Service\nmetadata: { name: b }\n';
    const result = await grade(manifest);
    for (const check of result.checks) {
      expect(check.outcome).toBe('failed');
      expect(check.message).toContain(
        'No document in the manifest has kind "Pod"; found ConfigMap "a", Service "b"',
      );
    }
  });

  it('fails the checks with a clear message when the document is not a mapping', async () => {
    const result = await grade('- just\n- a list\n');
    for (const check of result.checks) {
      expect(check.outcome).toBe('failed');
      expect(check.message).toContain('The document is a list, not a mapping');
    }
    expect(result.score).toBe(4);
  });

  it('fails the manifest checks, not the grader, when the manifest is not YAML at grading time', async () => {
    const result = await grade('apiVersion: v1\nkind: [Pod\n');
    for (const check of result.checks) {
      expect(check.outcome).toBe('failed');
      expect(check.message).toMatch(/not valid YAML at line \d+/);
    }
    expect(result.evidence[0]).toEqual({
      kind: 'manifest',
      data: expect.objectContaining({
        documents: [],
        error: expect.objectContaining({ code: 'MANIFEST_INVALID_YAML' }),
      }),
    });
  });

  it('does not let a __proto__ key stand in for real fields', async () => {
    const manifest = '__proto__:\n  apiVersion: v1\n  kind: Pod\nmetadata:\n  name: my-pod\n';
    const result = await grade(manifest);
    const kindCheck = result.checks.find((check) => check.id === 'kind-pod');
    expect(kindCheck?.outcome).toBe('failed');
    expect(({} as Record<string, unknown>).kind).toBeUndefined();
  });

  it('passes an attempt at the passing score and fails one just below it', async () => {
    // maxScore 15, passingScore 0.7: 10.5 is needed.
    expect(firstPod.maxScore).toBe(15);
    const halfQuiz = { 'pending-causes': 'the image cannot be pulled' };
    const elevenChecksHalfQuiz = await grade(referenceManifest, halfQuiz);
    expect(elevenChecksHalfQuiz.score).toBe(13);
    expect(elevenChecksHalfQuiz.passed).toBe(true);
    const noQuizAndWrongPort = await grade(
      referenceManifest.replace('containerPort: 80', 'containerPort: 8080'),
      {},
    );
    expect(noQuizAndWrongPort.score).toBe(9);
    expect(noQuizAndWrongPort.passed).toBe(false);
  });
});
