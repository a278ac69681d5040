import { z } from 'zod';
import { regularExpressionSource } from './regular-expression.js';
import { checkBaseShape } from './check-base.js';
import { expectedObject } from './expected-value.js';
import { documentSelector, listKeyOverrides } from './manifest-check.js';
import { nonEmptyText } from './identifiers.js';

/**
 * Checks that look at the learner's cluster. The format is complete now; the engine runs them
 * once a ClusterReader is wired in (until then they are reported as `error`, never `failed`).
 * Every object lives in the assessment's `inputs.namespace` unless `namespace` says otherwise.
 */

/** Which object to look at: by name, or by label selector (the first match). */
export const objectReference = z
  .strictObject({
    apiVersion: nonEmptyText.default('v1'),
    kind: nonEmptyText.default('Pod'),
    name: nonEmptyText.optional(),
    labelSelector: nonEmptyText.optional(),
    namespace: nonEmptyText.optional(),
  })
  .refine((ref) => ref.name !== undefined || ref.labelSelector !== undefined, {
    message: 'Give a name or a labelSelector',
  });
export type ObjectReference = z.infer<typeof objectReference>;

export const podPhase = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
export type PodPhase = z.infer<typeof podPhase>;

const seconds = z.number().positive().max(3600);

/** Use the learner's submitted document as (part of) the expected object. */
const expectFromManifest = z.strictObject({
  select: documentSelector.default({}),
  /** Dotted paths of the submitted document that the cluster object must match. */
  paths: z.array(nonEmptyText).min(1).default(['metadata.labels', 'spec.containers']),
});

/** The object exists now and matches `expect` (and/or the submitted manifest). */
export const clusterObjectCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('cluster-object'),
  object: objectReference,
  expect: expectedObject.optional(),
  expectFromManifest: expectFromManifest.optional(),
  listKeys: listKeyOverrides.optional(),
});

/** No object matches the reference now. */
export const clusterAbsentCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('cluster-absent'),
  object: objectReference,
});

/** The object comes to match `expect` within the timeout (watched, or polled). */
export const eventuallyCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('eventually'),
  object: objectReference,
  expect: expectedObject,
  timeoutSeconds: seconds,
  pollIntervalSeconds: seconds.default(2),
  listKeys: listKeyOverrides.optional(),
});

/** The object matches `expect` continuously for the whole duration. */
export const stableCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('stable'),
  object: objectReference,
  expect: expectedObject,
  durationSeconds: seconds,
  pollIntervalSeconds: seconds.default(2),
  listKeys: listKeyOverrides.optional(),
});

/** The Pod reaches `phase` within the timeout, optionally with a Pod IP and a node. */
export const podPhaseCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('pod-phase'),
  pod: objectReference,
  phase: podPhase,
  require: z.array(z.enum(['podIP', 'nodeName'])).default([]),
  timeoutSeconds: seconds.default(60),
});

/** The object has no `ownerReferences` (a bare Pod: nothing will recreate it). */
export const noControllerCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('no-controller'),
  pod: objectReference,
});

/**
 * What happened over time, from the grader's watch and the cluster's events:
 * the Pod went through `phasesInOrder`; then (with `deleted`) the Pod the learner created,
 * known by uid, is gone and no Pod with the same name or matching `replacementSelector`
 * appears within `notRecreatedWithinSeconds`.
 */
export const timelineCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('timeline'),
  pod: objectReference,
  phasesInOrder: z.array(podPhase).min(1).optional(),
  deleted: z
    .strictObject({
      notRecreatedWithinSeconds: seconds,
      /** Also count as a replacement any Pod matching this label selector (e.g. "app=web"). */
      replacementSelector: nonEmptyText.optional(),
      requireNoOwnerReferences: z.boolean().default(true),
    })
    .optional(),
  timeoutSeconds: seconds.default(120),
});

/** The container's log contains every pattern (regular expressions), or any with `match: any`. */
export const logsContainCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('logs-contain'),
  pod: objectReference,
  container: nonEmptyText.optional(),
  patterns: z.array(regularExpressionSource).min(1),
  match: z.enum(['all', 'any']).default('all'),
  timeoutSeconds: seconds.default(30),
});

export const clusterChecks = [
  clusterObjectCheck,
  clusterAbsentCheck,
  eventuallyCheck,
  stableCheck,
  podPhaseCheck,
  noControllerCheck,
  timelineCheck,
  logsContainCheck,
] as const;

export const clusterCheckKinds = [
  'cluster-object',
  'cluster-absent',
  'eventually',
  'stable',
  'pod-phase',
  'no-controller',
  'timeline',
  'logs-contain',
] as const;
export type ClusterCheckKind = (typeof clusterCheckKinds)[number];
