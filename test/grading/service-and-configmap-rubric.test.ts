/**
 * A rubric over Services, ConfigMaps and Events, and pod-phase and logs over Pods found by
 * selector or owner (test/fixtures/selftest/service-and-configmap), graded end to end: each
 * self-test plays a learner on its own simulated cluster, the grader reads it over HTTP with
 * its read-only token, each kind the rubric refers to is watched once, and a regrade from the
 * journal alone judges the same.
 */
import { fileURLToPath } from 'node:url';
import { parseAssessment } from '../../src/assessments/parse-assessment.js';
import { AppError } from '../../src/errors/app-error.js';
import type { CheckGrade } from '../../src/grading/attempt-grade.js';
import { loadScenarios, type LoadedScenario } from '../../src/assessments/self-test/scenario.js';
import { regradeFromJournal, runScenario } from '../../scripts/self-test/grade-scenario.js';

const fixtures = fileURLToPath(new URL('../fixtures/selftest', import.meta.url));
const scenarios = (await loadScenarios(fixtures)).filter((item) =>
  item.assessmentDirectory.endsWith('service-and-configmap'),
);

function scenario(prefix: string): LoadedScenario {
  const found = scenarios.find((item) => item.file.split('/').pop()?.startsWith(prefix));
  if (found === undefined) throw new Error(`no scenario ${prefix}`);
  return found;
}

function outcomes(checks: readonly CheckGrade[]): Record<string, string> {
  return Object.fromEntries(checks.map((check) => [check.id, check.outcome]));
}

function check(checks: readonly CheckGrade[], id: string): CheckGrade {
  const found = checks.find((item) => item.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
}

describe('a rubric over Services, ConfigMaps, Events and Pods found by selector', () => {
  it('has its four self-tests', () => {
    expect(scenarios).toHaveLength(4);
  });

  it('gives the reference full marks, watching each kind once, and a regrade from the journal agrees', async () => {
    const run = await runScenario(scenario('01-'));
    expect(run.simulatorErrors).toEqual([]);
    expect(run.grade.score).toBe(7);
    expect(new Set(Object.values(outcomes(run.grade.checks)))).toEqual(new Set(['passed']));
    expect(check(run.grade.checks, 'web-service').message).toContain('1 Service (web)');
    expect(check(run.grade.checks, 'web-pods-run').message).toMatch(
      /Pods labelled app=web in namespace \w+: 2 Pods \(web-[a-z0-9]+-[a-z0-9]{5}, web-/,
    );
    expect(check(run.grade.checks, 'web-logs').message).toContain('start worker process');

    const watches = run.clusterRequests
      .filter((request) => request.watch)
      .map((request) => request.path.split('/').pop());
    expect(watches.sort()).toEqual(['configmaps', 'events', 'pods', 'replicasets', 'services']);

    const regraded = await regradeFromJournal(run, {});
    expect(outcomes(regraded.checks)).toEqual(outcomes(run.grade.checks));
  });

  it('fails a Service sending port 80 to 8080 and a ConfigMap with another value, saying what differs', async () => {
    const run = await runScenario(scenario('02-'));
    const service = check(run.grade.checks, 'web-service');
    expect(service.outcome).toBe('failed');
    expect(service.message).toMatch(/Service web.*8080/s);
    const config = check(run.grade.checks, 'web-config');
    expect(config.outcome).toBe('failed');
    expect(config.message).toContain('hi');
    expect(run.grade.score).toBe(4);
    const regraded = await regradeFromJournal(run, {});
    expect(outcomes(regraded.checks)).toEqual(outcomes(run.grade.checks));
  });

  it('diagnoses Pods found by selector that cannot pull their image', async () => {
    const run = await runScenario(scenario('03-'));
    const phase = check(run.grade.checks, 'web-pods-run');
    expect(phase.outcome).toBe('failed');
    expect(phase.details.failureMode).toBe('timeout');
    expect(phase.message).toMatch(/Pod web-[a-z0-9]+-[a-z0-9]{5} was still Pending, not Running/);
    expect(phase.message).toContain('nginx:1.82');
    expect(check(run.grade.checks, 'web-logs').outcome).toBe('failed');
  });

  it('ends the ConfigMap check as error, never failed, when the Role does not grant configmaps', async () => {
    const run = await runScenario(scenario('04-'));
    const config = check(run.grade.checks, 'web-config');
    expect(config.outcome).toBe('error');
    expect(config.details.reason).toBe('FORBIDDEN');
    expect(config.points).toBe(0);
    expect(run.grade.score).toBe(6);
  });
});

describe('pod-phase over a set of Pods, in the rubric format', () => {
  const rubric = (fields: string) =>
    new TextEncoder().encode(`id: sample
version: 1.0.0
title: Sample
summary: pod-phase by selector.
passingScore: 0.5
timeLimitMinutes: 10
inputs: { manifest: web.yaml }
checks:
  - id: running
    title: Pods run
    points: 1
    kind: pod-phase
    phase: Running
${fields}
`);
  const issues = (fields: string): string[] => {
    try {
      parseAssessment({ bytes: rubric(fields), file: 'a.yaml' });
      return [];
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return (error.details as { issues: { message: string }[] }).issues.map(
        (issue) => issue.message,
      );
    }
  };

  it('takes pods (kind Pod by default) with a count, or one pod by name, not both', () => {
    expect(issues('    pods: { labelSelector: app=web }\n    count: { min: 3 }')).toEqual([]);
    expect(issues('    pods: { ownedBy: { kind: Deployment, name: web } }')).toEqual([]);
    expect(issues('    pod: { name: my-pod }')).toEqual([]);
    expect(issues('    pod: { name: my-pod }\n    pods: { labelSelector: app=web }')).toEqual([
      'Give either pod (one Pod by name) or pods (a set of Pods)',
    ]);
    expect(issues('    pod: { name: my-pod }\n    count: { min: 1 }')).toEqual([
      'count goes with pods (a set of Pods)',
    ]);
    expect(issues('    pods: { kind: Service, labelSelector: app=web }')).toHaveLength(1);
  });
});
