import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { startSimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { referenceManifest } from '../support/first-pod-fixtures.js';
import { openTestServices } from '../support/test-services.js';
import {
  adversarialCorpus,
  bodyFor,
  corpusAssessmentId,
  plantedSecrets,
  type AdversarialCase,
  type CliExpectation,
} from './adversarial-corpus.js';
import { atServer } from './hostile-inputs.js';

/** What `kubegrade grade` did with one case. */
interface CliOutcome {
  exitCode: number;
  out: string;
  err: string;
  progress: string;
}

const cliCases = adversarialCorpus.filter(
  (entry): entry is AdversarialCase & { cli: CliExpectation } => entry.cli !== undefined,
);
const outcomes = new Map<string, CliOutcome>();
let workdir: string;

/** Runs the CLI in-process, keeping everything it prints. */
async function runCaptured(argv: string[]): Promise<CliOutcome> {
  const lines = { out: [] as string[], err: [] as string[], progress: [] as string[] };
  const exitCode = await runCli(argv, {
    out: (text) => void lines.out.push(text),
    err: (text) => void lines.err.push(text),
    progress: (text) => void lines.progress.push(text),
  });
  return {
    exitCode,
    out: lines.out.join('\n'),
    err: lines.err.join('\n'),
    progress: lines.progress.join('\n'),
  };
}

/** Writes the case's inputs to files, as a learner would have them, and builds the command. */
async function commandFor(entry: AdversarialCase, index: number): Promise<string[]> {
  const folder = join(workdir, `case-${index}`);
  const { input } = entry;
  const body = bodyFor(input);
  const kubeconfigFile = join(folder, 'kubeconfig.yaml');
  const manifestFile = join(folder, 'my-pod.yaml');
  await mkdir(folder, { recursive: true });
  // A case about something else still needs a kubeconfig: a valid one, at a closed local port.
  await writeFile(kubeconfigFile, input.kubeconfig ?? atServer('https://127.0.0.1:9'));
  await writeFile(manifestFile, input.manifest ?? referenceManifest);
  const argv = [
    'grade',
    input.assessmentId ?? corpusAssessmentId,
    '--kubeconfig',
    kubeconfigFile,
    '--manifest',
    manifestFile,
    // The closed port and unreachable ranges fail fast; the grader's waits are shortened.
    '--request-timeout-ms',
    '300',
    '--time-scale',
    '1000',
  ];
  if (input.answers !== undefined || input.answersFileText !== undefined) {
    const answersFile = join(folder, 'answers.yaml');
    await writeFile(answersFile, input.answersFileText ?? JSON.stringify(body.answers));
    argv.push('--answers', answersFile);
  }
  if (input.namespace !== undefined) argv.push('--namespace', input.namespace);
  if (input.context !== undefined) argv.push('--context', input.context);
  return argv;
}

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'kubegrade-adversarial-'));
  for (const [index, entry] of cliCases.entries()) {
    outcomes.set(entry.name, await runCaptured(await commandFor(entry, index)));
  }
}, 120_000);

afterAll(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe('the adversarial corpus through `kubegrade grade`', () => {
  it('has at least 40 cases for the CLI', () => {
    expect(cliCases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cliCases.map((entry) => [entry.name, entry] as const))(
    '%s',
    (_name, entry: AdversarialCase & { cli: CliExpectation }) => {
      const outcome = outcomes.get(entry.name)!;
      const expected = entry.cli;
      if ('reachesCluster' in expected) {
        // Not refused: the CLI went on to grade, and could not look at the (absent) cluster.
        expect({ exitCode: outcome.exitCode, err: outcome.err }).toEqual({ exitCode: 3, err: '' });
        expect(outcome.out).toMatch(/could not read your cluster/);
        return;
      }
      expect(outcome.exitCode).toBe(expected.exitCode);
      if (expected.exitCode === 2) expect(outcome.err).toMatch(/^kubegrade: .*\nusage:/);
      if (expected.code !== undefined) {
        expect(outcome.err).toMatch(new RegExp(`^kubegrade: ${expected.code}: `));
      }
      if (expected.reason !== undefined) {
        expect(outcome.err).toContain(`"reason":"${expected.reason}"`);
      }
      // A refusal is decided before grading starts: nothing was graded, nothing printed as a result.
      expect(outcome.out).toBe('');
    },
  );

  it('then no planted secret appears in anything the CLI printed', () => {
    const printed = [...outcomes.values()]
      .map((outcome) => `${outcome.out}\n${outcome.err}\n${outcome.progress}`)
      .join('\n');
    expect(plantedSecrets.filter((secret) => printed.includes(secret))).toEqual([]);
  });

  it('then no exec plugin ran', () => {
    expect(existsSync('/tmp/kubegrade-pwned')).toBe(false);
  });
});

describe("the CLI's outbound policy against the service's", () => {
  it('allows exactly the loopback and private addresses the service refuses, and refuses link-local and metadata like it', () => {
    const addressCases = cliCases.filter(
      (entry) =>
        entry.api !== undefined &&
        'code' in entry.api &&
        entry.api.code === 'CLUSTER_ADDRESS_REFUSED',
    );
    const allowedOnLearnerMachine = addressCases
      .filter((entry) => 'reachesCluster' in entry.cli)
      .map((entry) => (entry.api as { reason: string }).reason);
    const refusedEverywhere = addressCases
      .filter((entry) => !('reachesCluster' in entry.cli))
      .map((entry) => (entry.api as { reason: string }).reason);

    expect(new Set(allowedOnLearnerMachine)).toEqual(new Set(['LOOPBACK', 'PRIVATE']));
    expect(refusedEverywhere).toEqual(
      expect.arrayContaining(['METADATA_ADDRESS', 'METADATA_HOST', 'LINK_LOCAL']),
    );
    expect(refusedEverywhere).not.toContain('LOOPBACK');
    expect(refusedEverywhere).not.toContain('PRIVATE');
  });

  it('when a learner grades a cluster on 127.0.0.1, then the CLI talks to it while the service refuses the same kubeconfig', async () => {
    const speed = 50;
    const cluster = await startSimulatedCluster({ speed });
    const services = await openTestServices({ allowCidrs: '' });
    try {
      const kubeconfig = cluster.kubeconfigYaml({ token: 'readOnly' });
      const refused = await services.api
        .post('/v1/attempts')
        .send(bodyFor({ kubeconfig }))
        .expect(422);
      expect(refused.body.error).toMatchObject({
        code: 'CLUSTER_ADDRESS_REFUSED',
        details: { reason: 'LOOPBACK' },
      });

      const file = join(workdir, 'sim.kubeconfig');
      const manifest = join(workdir, 'sim-my-pod.yaml');
      await writeFile(file, kubeconfig);
      await writeFile(manifest, referenceManifest);
      const outcome = await runCaptured([
        'grade',
        corpusAssessmentId,
        '--kubeconfig',
        file,
        '--manifest',
        manifest,
        '--time-scale',
        String(speed),
      ]);
      expect(outcome.err).not.toMatch(/CLUSTER_ADDRESS_REFUSED/);
      expect(cluster.control.requests().length).toBeGreaterThan(0);
      // Nothing was created in the cluster, so the lesson is not done: graded, not passed.
      expect(outcome.exitCode).toBe(1);
      for (const text of [outcome.out, outcome.err, outcome.progress, refused.text]) {
        expect(text).not.toContain(cluster.tokens.readOnly);
      }
    } finally {
      await services.close();
      await cluster.stop();
    }
  }, 60_000);
});
