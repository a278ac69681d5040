import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { quizAnswersSchema } from '../../grading/attempt-grade.js';

/**
 * A rubric self-test: what the learner does on a (simulated) cluster, what they submit, and
 * the outcome every check must have. Lives in `assessments/<id>/tests/*.yaml`, next to the
 * rubric it pins down.
 */

/** A manifest: inline text, or a file of the assessment folder with optional text edits. */
const manifestSource = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({
    file: z.string(),
    replace: z.array(z.strictObject({ from: z.string(), to: z.string() })).default([]),
  }),
]);
export type ManifestSource = z.infer<typeof manifestSource>;

const faultRule = z.strictObject({
  method: z.string().optional(),
  path: z.string(),
  watch: z.boolean().optional(),
  kind: z.enum(['latency', 'status', 'drop', 'watch-close-early']),
  latencyMs: z.number().optional(),
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
  afterMs: z.number().optional(),
  times: z.number().int().positive().optional(),
});

/** The learner's (and the environment's) actions, in order. */
const step = z.union([
  /** Creates every document with the admin token (Pods, Deployments, ReplicaSets, Services, ConfigMaps). */
  z.strictObject({
    apply: z.union([z.literal('submitted'), manifestSource]),
    expectRejected: z.boolean().default(false),
  }),
  /** Grading starts here, and runs while the following steps play. */
  z.literal('submit'),
  z.strictObject({ waitForPhase: z.strictObject({ pod: z.string(), phase: z.string() }) }),
  z.strictObject({ waitForGone: z.strictObject({ pod: z.string() }) }),
  /** Until the grader has made a request whose path contains this text (ends its running moment). */
  z.strictObject({ waitForGrader: z.string() }),
  /** Simulated seconds. */
  z.strictObject({ sleep: z.number().positive() }),
  z.strictObject({ delete: z.strictObject({ pod: z.string() }) }),
  /** Deletes the first Pod (by name) matching the selector that is not already going. */
  z.strictObject({ deleteOne: z.strictObject({ labelSelector: z.string() }) }),
  /** Until `count` Pods matching the selector (not terminating) are in `phase` (and run `image`). */
  z.strictObject({
    waitForPods: z.strictObject({
      labelSelector: z.string(),
      count: z.number().int().nonnegative(),
      phase: z.string().default('Running'),
      image: z.string().optional(),
    }),
  }),
  /** kubectl scale deployment <name> --replicas=<n> */
  z.strictObject({ scale: z.strictObject({ deployment: z.string(), replicas: z.number().int() }) }),
  /** kubectl set image deployment/<name> <container>=<image> */
  z.strictObject({
    setImage: z.strictObject({ deployment: z.string(), container: z.string(), image: z.string() }),
  }),
  z.strictObject({ fault: faultRule }),
]);
export type ScenarioStep = z.infer<typeof step>;

const checkExpectation = z.union([
  z.enum(['passed', 'failed', 'error']),
  z.strictObject({
    outcome: z.enum(['passed', 'failed', 'error']),
    failureMode: z.string().optional(),
    reason: z.string().optional(),
    messageContains: z.array(z.string()).default([]),
  }),
]);

export const scenarioFile = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** How many times faster than real time the scenario plays (300 unless it needs slower). */
  speed: z.number().positive().max(1000).optional(),
  cluster: z
    .strictObject({
      readOnlyDenied: z.array(z.string()).optional(),
      nodes: z
        .array(
          z.strictObject({
            name: z.string(),
            cpu: z.string().optional(),
            memory: z.string().optional(),
          }),
        )
        .optional(),
    })
    .default({}),
  /** How the grader reaches the cluster: its read-only token by default. */
  grader: z
    .strictObject({
      token: z.enum(['readOnly', 'invalid']).default('readOnly'),
      requestTimeoutMs: z.number().int().positive().default(2_000),
    })
    .default({ token: 'readOnly', requestTimeoutMs: 2_000 }),
  submission: z.strictObject({
    manifest: manifestSource,
    answers: quizAnswersSchema.default({}),
  }),
  steps: z.array(step).refine((steps) => steps.filter((item) => item === 'submit').length === 1, {
    message: 'Exactly one step must be "submit"',
  }),
  expect: z.strictObject({
    score: z.number().optional(),
    /** Outcome of every check not listed under `checks`. */
    otherChecks: z.enum(['passed', 'failed', 'error']).optional(),
    checks: z.record(z.string(), checkExpectation).default({}),
    /** An upper bound on the grader's Kubernetes API requests for this attempt. */
    maxRequests: z.number().int().positive().optional(),
  }),
});
export type Scenario = z.infer<typeof scenarioFile>;

export interface LoadedScenario {
  file: string;
  assessmentDirectory: string;
  scenario: Scenario;
}

/** Every `assessments/<id>/tests/*.yaml`, parsed; a malformed scenario fails loudly. */
export async function loadScenarios(assessmentsDirectory: string): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  for (const entry of await readdir(assessmentsDirectory, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const assessmentDirectory = join(assessmentsDirectory, entry.name);
    const testsDirectory = join(assessmentDirectory, 'tests');
    const files = await readdir(testsDirectory).catch(() => [] as string[]);
    for (const name of files.filter((file) => file.endsWith('.yaml')).sort()) {
      const file = join(testsDirectory, name);
      const parsed = scenarioFile.safeParse(load(await readFile(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
      loaded.push({ file, assessmentDirectory, scenario: parsed.data });
    }
  }
  return loaded;
}

export async function readManifestSource(
  source: ManifestSource,
  assessmentDirectory: string,
): Promise<string> {
  if ('text' in source) return source.text;
  let text = await readFile(join(assessmentDirectory, source.file), 'utf8');
  for (const edit of source.replace) {
    if (!text.includes(edit.from))
      throw new Error(`${source.file} has no "${edit.from}" to replace`);
    text = text.replace(edit.from, edit.to);
  }
  return text;
}
