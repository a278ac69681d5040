import { jest } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { coreApi, lessonPod, startTestCluster, waitFor } from '../sim/sim-test-helpers.js';
import { bothConceptsAnswer, referenceManifest } from '../support/first-pod-fixtures.js';
import { loadAssessment } from '../grading/load-fixture-assessment.js';
import { runCli } from '../../src/cli/main.js';
import { occurrences, runKubegrade } from './run-kubegrade.js';

/**
 * The real `kubegrade` command (bin/kubegrade.js, what npx runs), run in a learner's folder
 * against the simulated cluster, the way the README tells learners to run it.
 */
const speed = 50;
// Each test starts the command as a new process (tsx compiles it on start): a hang guard only.
jest.setTimeout(180_000);
const firstPod = loadAssessment('first-pod');
let cluster: SimulatedCluster;
let folder: string;
let kubeconfig: string;

beforeEach(async () => {
  cluster = await startTestCluster({ speed });
  folder = await mkdtemp(join(tmpdir(), 'kubegrade-learner-'));
  kubeconfig = join(folder, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfigYaml({ token: 'readOnly' }));
});

afterEach(async () => {
  await cluster.stop();
});

async function applyAndWaitRunning(image = 'nginx:1.28', phase = 'Running'): Promise<void> {
  const core = coreApi(cluster);
  const pod = lessonPod();
  (pod.spec?.containers[0] as { image: string }).image = image;
  await core.createNamespacedPod({ namespace: 'default', body: pod });
  await waitFor(`my-pod ${phase}`, async () => {
    const read = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
    return read.status?.phase === phase ? true : undefined;
  });
}

const gradeArgs = () => [
  'grade',
  'first-pod',
  '--kubeconfig',
  kubeconfig,
  '--time-scale',
  String(speed),
];

describe('kubegrade grade, run as the README says', () => {
  it('refuses to grade in a folder without my-pod.yaml, naming the path it looked for', async () => {
    const run = runKubegrade(gradeArgs(), { cwd: folder });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`no manifest at ${join(folder, 'my-pod.yaml')}`);
    expect(run.stderr()).toContain('--manifest');
    expect(run.stdout()).toBe('');
    expect(cluster.control.requests()).toHaveLength(0);
  });

  it('tells the learner to delete the Pod with a countdown, and prints the report once', async () => {
    await applyAndWaitRunning();
    await writeFile(join(folder, 'my-pod.yaml'), referenceManifest);
    await writeFile(join(folder, 'answers.yaml'), `pending-causes: "${bothConceptsAnswer}"\n`);
    const run = runKubegrade([...gradeArgs(), '--answers', 'answers.yaml'], { cwd: folder });

    await run.stderrShows('now delete the Pod: kubectl delete pod my-pod');
    await run.stderrShows('waiting for you to delete my-pod: ');
    expect(run.stdout()).toBe('');
    await coreApi(cluster).deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });

    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('my-pod is deleted; checking that nothing brings it back');
    expect(run.stderr()).toMatch(/waiting for you to delete my-pod: [45]:\d\d left/);
    const report = run.stdout();
    for (const check of firstPod.checks) expect(occurrences(report, check.title)).toBe(1);
    expect(report).toContain(`score: ${firstPod.maxScore}/${firstPod.maxScore} (passed)`);
    expect(occurrences(report, 'score:')).toBe(1);
  });

  it('ends early for a Pod that never runs, with the diagnosis once and what to do', async () => {
    await applyAndWaitRunning('nginx:1.82', 'Pending');
    await writeFile(
      join(folder, 'my-pod.yaml'),
      referenceManifest.replace('nginx:1.28', 'nginx:1.82'),
    );
    const run = runKubegrade(gradeArgs(), { cwd: folder });
    expect(await run.exit).toBe(1);

    const report = run.stdout();
    expect(occurrences(report, 'cannot pull nginx:1.82')).toBe(1);
    expect(report).toContain('Grading stopped early: my-pod never reached Running');
    expect(report).toContain('kubectl delete pod my-pod');
    expect(report).toContain('kubectl apply -f my-pod.yaml');
    expect(report).toContain('grade again: kubegrade grade first-pod');
    const timeline = firstPod.checks.find((check) => check.kind === 'timeline');
    expect(report).not.toContain(timeline?.title);
    expect(run.stderr()).toMatch(/waiting for my-pod to be Running: \d:\d\d left/);
    expect(run.stderr()).not.toContain('now delete the Pod');
  });

  it('refuses an answers file with a question id the quiz does not have, before any request', async () => {
    await writeFile(join(folder, 'my-pod.yaml'), referenceManifest);
    await writeFile(join(folder, 'answers.yaml'), 'pending-cause: ImagePullBackOff\n');
    const run = runKubegrade([...gradeArgs(), '--answers', 'answers.yaml'], { cwd: folder });
    expect(await run.exit).toBe(3);
    expect(run.stderr()).toContain('ANSWER_INVALID');
    expect(run.stderr()).toContain('"pending-cause"');
    expect(run.stderr()).toContain('pending-causes');
    expect(cluster.control.requests()).toHaveLength(0);
  });
});

describe('kubegrade --help', () => {
  it('is answered by the real command, on stdout, exit 0', async () => {
    const run = runKubegrade(['--help'], { cwd: folder });
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('kubegrade grade <assessment>');
    expect(run.stderr()).toBe('');
  });

  it.each([
    [['help'], 'kubegrade export'],
    [['grade', '--help'], '--answers <file>'],
    [['grade', 'first-pod', '-h'], 'pending-causes (free-text, 4 points)'],
    [['validate', '--help'], 'usage: kubegrade validate'],
    [['export', '--help'], '--format csv|jsonl'],
  ])('kubegrade %j prints its help and exits 0', async (args, shows) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (text: string) => void out.push(text),
      err: (text: string) => void err.push(text),
      progress: () => undefined,
    };
    expect(await runCli(args, io)).toBe(0);
    expect(out.join('\n')).toContain(shows);
    expect(err).toEqual([]);
  });
});
