import { fileURLToPath } from 'node:url';
import { runScenario } from '../../scripts/self-test/grade-scenario.js';
import { runCli } from '../../src/cli/main.js';
import { runKubegrade } from './run-kubegrade.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const wrongExpectation = fileURLToPath(
  new URL('../fixtures/selftest/wrong-expectation', import.meta.url),
);

describe('kubegrade selftest', () => {
  it('plays a lesson scenario on an in-process simulated cluster and prints expected against actual per check', async () => {
    const run = runKubegrade(['selftest', 'first-deployment', '--only', '05-'], {
      cwd: repository,
    });
    expect(await run.exit).toBe(0);
    const out = run.stdout();
    expect(out).toContain('PASS 05-rollout-stuck-bad-tag.yaml');
    expect(out).toMatch(/kind-deployment\s+expected passed\s+actual passed/);
    expect(out).toMatch(/pods-run-1-29\s+expected failed\s+actual failed/);
    expect(out).toContain('1 self-test: 1 as expected, 0 not');
  });

  it('exits 1 and marks the check when a scenario does not get what it expects', async () => {
    const run = runKubegrade(['selftest', wrongExpectation], { cwd: repository });
    expect(await run.exit).toBe(1);
    const out = run.stdout();
    expect(out).toContain('FAIL 01-deployment-said-to-pass.yaml');
    expect(out).toMatch(
      /✗ kind-pod\s+expected passed\s+actual failed\s+\(outcome failed, expected passed\)/,
    );
    expect(out).toMatch(/ {2}named-web\s+expected passed\s+actual passed/);
    expect(out).toContain('✗ score 1, expected 2');
    expect(out).toContain('1 self-test: 0 as expected, 1 not');
  });

  it('answers --help, and exit 2 for a missing assessment or no matching scenario', async () => {
    const help = runKubegrade(['selftest', '--help'], { cwd: repository });
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toContain('usage: kubegrade selftest <assessment> [--only <text>]');
    const missing = runKubegrade(['selftest'], { cwd: repository });
    expect(await missing.exit).toBe(2);
    expect(missing.stderr()).toContain('selftest takes one assessment');
    const none = runKubegrade(['selftest', 'first-pod', '--only', 'no-such'], { cwd: repository });
    expect(await none.exit).toBe(2);
    expect(none.stderr()).toContain('No self-tests matching "no-such"');
  });
});

describe('kubegrade selftest, in process', () => {
  it('runs every scenario of a folder: a deleted set member that stays gone, or comes back by hand or by its controller', async () => {
    const lines: string[] = [];
    const io = {
      out: (text: string) => lines.push(text),
      err: () => undefined,
      progress: () => undefined,
    };
    const code = await runCli(
      [
        'selftest',
        fileURLToPath(new URL('../fixtures/selftest/set-not-recreated', import.meta.url)),
      ],
      io,
      process.env,
      runScenario,
    );
    expect({ code, out: lines.join('\n') }).toEqual({
      code: 0,
      out: expect.stringContaining('3 self-tests: 3 as expected, 0 not'),
    });
    expect(lines.join('\n')).toMatch(/web-gone-for-good\s+expected failed\s+actual failed/);
  });
});
