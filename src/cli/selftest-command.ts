import { basename, dirname, relative } from 'node:path';
import type { AttemptGrade } from '../grading/attempt-grade.js';
import { compareWithScenario } from '../assessments/self-test/compare-outcomes.js';
import { loadScenarios, type LoadedScenario } from '../assessments/self-test/scenario.js';
import { resolveAssessmentFile } from './resolve-assessment-file.js';
import { CliUsageError } from './resolve-assessment-file.js';

/**
 * Plays one scenario on a fresh simulated cluster and grades it. Injected by the command's
 * entry point (bin/kubegrade.js): src/ never imports the simulated cluster itself.
 */
export type ScenarioPlayer = (
  loaded: LoadedScenario,
) => Promise<{ grade: AttemptGrade; simulatorErrors: string[] }>;

/**
 * `kubegrade selftest <lesson>`: runs the rubric's self-tests (`tests/*.yaml` beside it), each
 * on its own simulated cluster, and prints expected against actual for every check. Exit 0 when
 * every scenario gets what it expects, 1 otherwise.
 */
export async function selftestCommand(options: {
  name: string;
  only?: string | undefined;
  play: ScenarioPlayer;
  out: (text: string) => void;
}): Promise<number> {
  const { file } = await resolveAssessmentFile(options.name);
  const lessonDirectory = dirname(file);
  const scenarios = (await loadScenarios(dirname(lessonDirectory))).filter(
    (item) =>
      item.assessmentDirectory === lessonDirectory &&
      (options.only === undefined || basename(item.file).includes(options.only)),
  );
  if (scenarios.length === 0) {
    throw new CliUsageError(
      `No self-tests${options.only === undefined ? '' : ` matching "${options.only}"`} in ${relative(process.cwd(), lessonDirectory) || '.'}/tests`,
    );
  }
  let failing = 0;
  for (const loaded of scenarios) {
    const run = await options.play(loaded);
    const comparison = compareWithScenario(loaded.scenario.expect, run.grade);
    const problems = [
      ...comparison.problems,
      ...run.simulatorErrors.map((error) => `the simulated cluster failed: ${error}`),
    ];
    const agrees = comparison.agrees && run.simulatorErrors.length === 0;
    if (!agrees) failing += 1;
    const score =
      comparison.score.expected === undefined
        ? `score ${comparison.score.actual}`
        : `score ${comparison.score.actual} (expected ${comparison.score.expected})`;
    options.out(
      `${agrees ? 'PASS' : 'FAIL'} ${basename(loaded.file)}: ${loaded.scenario.name}; ${score}`,
    );
    const width = Math.max(...comparison.checks.map((check) => check.id.length));
    for (const check of comparison.checks) {
      const mark = check.problems.length === 0 ? ' ' : '✗';
      options.out(
        `  ${mark} ${check.id.padEnd(width)}  expected ${check.expected.padEnd(7)}  actual ${check.actual}${
          check.problems.length === 0 ? '' : `  (${check.problems.join('; ')})`
        }`,
      );
    }
    for (const problem of problems) options.out(`  ✗ ${problem}`);
  }
  options.out(
    `${scenarios.length} self-test${scenarios.length === 1 ? '' : 's'}: ${scenarios.length - failing} as expected, ${failing} not`,
  );
  return failing === 0 ? 0 : 1;
}
