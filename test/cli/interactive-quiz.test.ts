import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createTerminalAsk } from '../../src/cli/ask-quiz.js';
import { runCli } from '../../src/cli/main.js';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { startTestCluster } from '../sim/sim-test-helpers.js';
import { fixtureAssessmentsDirectory, referenceManifest } from '../support/first-pod-fixtures.js';

/** When stdin is a terminal and no --answers is given, the quiz is shown and asked. */
let cluster: SimulatedCluster;
let folder: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  folder = await mkdtemp(join(tmpdir(), 'kubegrade-quiz-'));
  await writeFile(join(folder, 'kubeconfig'), cluster.kubeconfigYaml({ token: 'readOnly' }));
  await writeFile(join(folder, 'pod.yaml'), referenceManifest);
});

afterAll(async () => {
  await cluster.stop();
});

it('shows each question with its choices, asks again after a choice not on the list, and grades the answers', async () => {
  const keyboard = new PassThrough();
  const screen = new PassThrough();
  let shown = '';
  screen.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
  // 4 is not one of the three choices: asked again, then 1 (v1); two picks; the last is skipped.
  keyboard.end('4\n1\n1, 2\n\n');
  const ask = createTerminalAsk(keyboard, screen);
  const out: string[] = [];
  const progress: string[] = [];

  const exitCode = await runCli(
    [
      'grade',
      join(fixtureAssessmentsDirectory, 'choice-quiz'),
      '--kubeconfig',
      join(folder, 'kubeconfig'),
      '--manifest',
      join(folder, 'pod.yaml'),
      '--json',
    ],
    {
      out: (text) => void out.push(text),
      err: (text) => void progress.push(text),
      progress: (text) => void progress.push(text),
      ask,
    },
  );
  ask.close();

  const result = JSON.parse(out.join('\n'));
  const answers = Object.fromEntries(
    result.quiz.map((item: { questionId: string; answer: unknown }) => [
      item.questionId,
      item.answer,
    ]),
  );
  expect(answers).toEqual({
    'core-api-version': 'v1',
    'pending-reasons': ['no-capacity', 'image-missing'],
    'pod-shares': [],
  });
  expect(
    result.quiz.find((item: { questionId: string }) => item.questionId === 'core-api-version')
      .points,
  ).toBeGreaterThan(0);
  const questionText = progress.join('\n');
  expect(questionText).toContain('quiz 1/3 (core-api-version');
  expect(questionText).toContain('  2) apps/v1');
  expect(questionText).toContain('pick one number from 1 to 3');
  expect(shown).toContain('your choice (number): ');
  expect(shown).toContain('your choices (numbers, comma-separated): ');
  expect(exitCode).toBe(result.passed ? 0 : 1);
});
