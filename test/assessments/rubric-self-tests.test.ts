import { relative } from 'node:path';
import { defaultAssessmentsDirectory } from '../../src/assessments/default-assessments-directory.js';
import type { CheckGrade } from '../../src/grading/attempt-grade.js';
import { regradeFromJournal, runScenario } from '../../scripts/self-test/grade-scenario.js';
import { loadScenarios, type Scenario } from '../../src/assessments/self-test/scenario.js';

/**
 * Every rubric's self-tests (`assessments/<id>/tests/*.yaml`): each scenario plays a learner
 * on its own simulated cluster, grades the attempt through the real Kubernetes client with the
 * grader's token, and must get exactly the outcomes it declares.
 */
const scenarios = await loadScenarios(defaultAssessmentsDirectory());

describe('rubric self-tests', () => {
  it('exist for first-pod (at least 20 scenarios) and first-deployment (at least 15)', () => {
    const of = (id: string) => scenarios.filter((item) => item.assessmentDirectory.endsWith(id));
    expect(of('first-pod').length).toBeGreaterThanOrEqual(20);
    expect(of('first-deployment').length).toBeGreaterThanOrEqual(15);
  });

  describe.each(scenarios.map((item) => [relative(process.cwd(), item.file), item] as const))(
    '%s',
    (_file, loaded) => {
      it(loaded.scenario.name, async () => {
        const run = await runScenario(loaded);
        const { expect: wanted } = loaded.scenario;
        expect(run.simulatorErrors).toEqual([]);
        expect(outcomes(run.grade.checks)).toEqual(expectedOutcomes(run.grade.checks, wanted));
        for (const [id, expectation] of Object.entries(wanted.checks)) {
          if (typeof expectation === 'string') continue;
          const check = run.grade.checks.find((item) => item.id === id);
          if (expectation.failureMode !== undefined)
            expect({ id, failureMode: check?.details.failureMode }).toEqual({
              id,
              failureMode: expectation.failureMode,
            });
          if (expectation.reason !== undefined)
            expect({ id, reason: check?.details.reason }).toEqual({
              id,
              reason: expectation.reason,
            });
          for (const text of expectation.messageContains) expect(check?.message).toContain(text);
        }
        if (wanted.score !== undefined) expect(run.grade.score).toBe(wanted.score);
        // Points follow outcomes: a check scores its points exactly when it passed.
        for (const check of run.grade.checks)
          expect(check.points).toBe(check.outcome === 'passed' ? check.maxPoints : 0);
        // Both counts agree: what the grader's reader recorded is what the cluster received.
        expect(run.clusterRequests).toHaveLength(run.readerRequests);
        if (wanted.maxRequests !== undefined)
          expect(run.readerRequests).toBeLessThanOrEqual(wanted.maxRequests);
        const recorded = run.grade.evidence.find((item) => item.kind === 'cluster-requests')
          ?.data as { count: number; requests: Record<string, unknown>[] } | undefined;
        expect(recorded?.count).toBe(run.readerRequests);
        for (const request of recorded?.requests ?? [])
          expect(Object.keys(request).sort()).toEqual(['method', 'ms', 'path', 'status']);
        // Durable: the journal alone (a regrade, no cluster) gives every judged check again.
        if (loaded.assessmentDirectory.endsWith('first-deployment')) {
          const regraded = await regradeFromJournal(run, loaded.scenario.submission.answers);
          const judged = (checks: readonly CheckGrade[]) =>
            outcomes(checks.filter((check) => check.outcome !== 'error'));
          expect(judged(regraded.checks)).toEqual(judged(run.grade.checks));
        }
      });
    },
  );
});

function outcomes(checks: readonly CheckGrade[]): Record<string, string> {
  return Object.fromEntries(checks.map((check) => [check.id, check.outcome]));
}

function expectedOutcomes(
  checks: readonly CheckGrade[],
  wanted: Scenario['expect'],
): Record<string, string> {
  const unknown = Object.keys(wanted.checks).filter(
    (id) => !checks.some((check) => check.id === id),
  );
  if (unknown.length > 0)
    throw new Error(`the scenario names checks the rubric does not have: ${unknown.join(', ')}`);
  return Object.fromEntries(
    checks.map((check) => {
      const expectation = wanted.checks[check.id];
      if (expectation === undefined) return [check.id, wanted.otherChecks ?? check.outcome];
      return [check.id, typeof expectation === 'string' ? expectation : expectation.outcome];
    }),
  );
}
