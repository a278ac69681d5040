/**
 * What one first-pod attempt with a cluster costs: Kubernetes API requests and grading time,
 * for the reference solution played against the simulated cluster (time sped up, so the
 * lesson's waits take milliseconds). Prints the figures and writes bench/results/.
 *
 *   npm run bench:cluster [-- --runs 20]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultAssessmentsDirectory } from '../src/assessments/default-assessments-directory.js';
import { runScenario, scenarioSpeed } from '../scripts/self-test/grade-scenario.js';
import { loadScenarios } from '../src/assessments/self-test/scenario.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const scenarios = await loadScenarios(defaultAssessmentsDirectory());
const reference = scenarios.find((item) =>
  item.file.endsWith('first-pod/tests/01-reference-full-marks.yaml'),
);
if (!reference) throw new Error('the reference scenario is missing');

const wallMs: number[] = [];
const requestCounts = new Set<number>();
for (let i = 0; i < runs; i += 1) {
  const started = performance.now();
  const run = await runScenario(reference);
  wallMs.push(performance.now() - started);
  requestCounts.add(run.readerRequests);
  if (run.grade.score !== run.grade.maxScore) throw new Error(`run ${i} did not get full marks`);
}
wallMs.sort((a, b) => a - b);
const at = (q: number) =>
  +(wallMs[Math.min(wallMs.length - 1, Math.floor(q * wallMs.length))] ?? NaN).toFixed(1);
const result = {
  benchmark: 'first-pod-reference-attempt-against-simulated-cluster',
  runs,
  kubernetesRequestsPerAttempt: [...requestCounts],
  simulatedTimeSpeed: scenarioSpeed,
  // Includes starting a simulated cluster and playing the learner, so it is an upper bound on
  // the grader's own work; the lesson's real-time waits (30 s stability window) are scaled away.
  wallMsPerScenario: { p50: at(0.5), p90: at(0.9), max: at(1) },
  node: process.version,
  measuredAt: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  `${resultsDir}first-pod-cluster-attempt.json`,
  `${JSON.stringify(result, null, 2)}\n`,
);
