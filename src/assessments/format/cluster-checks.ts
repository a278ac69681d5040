import { z } from 'zod';
import { regularExpressionSource } from './regular-expression.js';
import { checkBaseShape } from './check-base.js';
import { expectedObject } from './expected-value.js';
import { documentSelector, listKeyOverrides } from './manifest-check.js';
import { nonEmptyText } from './identifiers.js';

/**
 * Checks that look at the learner's cluster. Without cluster access they end as `error` (never
 * `failed`). Every object lives in the assessment's `inputs.namespace` unless `namespace` says
 * otherwise. Waits are in seconds of cluster time; the grader's clock may run them faster.
 */

/** The kinds the grader may read (its Role grants get/list/watch on exactly these). */
export const observableKinds = ['Pod', 'ReplicaSet', 'Deployment'] as const;
export type ObservableKind = (typeof observableKinds)[number];

const apiVersionOfKind: Record<ObservableKind, string> = {
  Pod: 'v1',
  ReplicaSet: 'apps/v1',
  Deployment: 'apps/v1',
};

/** Which object to look at: by name, or by label selector (the first match, by name). */
export const objectReference = z
  .strictObject({
    /** Optional; when given it must be the kind's own (v1 for Pod, apps/v1 for the others). */
    apiVersion: nonEmptyText.optional(),
    kind: z.enum(observableKinds).default('Pod'),
    name: nonEmptyText.optional(),
    labelSelector: nonEmptyText.optional(),
    namespace: nonEmptyText.optional(),
  })
  .refine((ref) => ref.name !== undefined || ref.labelSelector !== undefined, {
    message: 'Give a name or a labelSelector',
  })
  .refine((ref) => ref.apiVersion === undefined || ref.apiVersion === apiVersionOfKind[ref.kind], {
    message:
      'apiVersion does not belong to this kind (Pod is v1; ReplicaSet and Deployment are apps/v1)',
    path: ['apiVersion'],
  });
export type ObjectReference = z.infer<typeof objectReference>;

/** A reference that names one Pod (the checks that follow a Pod over time need its name). */
export const podReference = z.strictObject({
  name: nonEmptyText,
  namespace: nonEmptyText.optional(),
});
export type PodReference = z.infer<typeof podReference>;

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

/**
 * The Pod reaches `phase` within the timeout, optionally with a Pod IP and a node. The timeout
 * counts from when the grader started following the Pod, so checks sharing it do not add up.
 */
export const podPhaseCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('pod-phase'),
  pod: podReference,
  phase: podPhase,
  require: z.array(z.enum(['podIP', 'nodeName'])).default([]),
  timeoutSeconds: seconds.default(60),
});

/**
 * A bare Pod: no `ownerReferences`, and no ReplicaSet or Deployment in the namespace whose
 * selector matches the Pod's labels (which would adopt or shadow it).
 */
export const noControllerCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('no-controller'),
  pod: podReference,
});

/**
 * What happened over time, from the grader's watch: the Pod went through `phasesInOrder`
 * (within `timeoutSeconds` of the grader starting to follow it); then (with `deleted`) the Pod
 * the grader saw, known by uid, is deleted within `waitForDeletionSeconds`, and no Pod with the
 * same name or matching `replacementSelector` appears within `notRecreatedWithinSeconds` of the
 * deletion. A Pod the grader never saw can never pass the deletion part.
 */
export const timelineCheck = z
  .strictObject({
    ...checkBaseShape,
    kind: z.literal('timeline'),
    pod: podReference,
    phasesInOrder: z.array(podPhase).min(1).optional(),
    deleted: z
      .strictObject({
        /** How long the grader waits for the learner's deletion once it has seen the Pod. */
        waitForDeletionSeconds: seconds.default(300),
        notRecreatedWithinSeconds: seconds,
        /** Also count as a replacement any Pod matching this label selector (e.g. "app=web"). */
        replacementSelector: nonEmptyText.optional(),
        /** Also fail when the Pod had an owner, or a ReplicaSet/Deployment selects its labels. */
        requireNoOwnerReferences: z.boolean().default(true),
      })
      .optional(),
    timeoutSeconds: seconds.default(120),
  })
  .refine((check) => check.phasesInOrder !== undefined || check.deleted !== undefined, {
    message: 'A timeline check needs phasesInOrder, deleted, or both',
  });

/** The container's log contains every pattern (regular expressions), or any with `match: any`. */
export const logsContainCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('logs-contain'),
  pod: podReference,
  container: nonEmptyText.optional(),
  patterns: z.array(regularExpressionSource).min(1),
  match: z.enum(['all', 'any']).default('all'),
  timeoutSeconds: seconds.default(30),
});

export type ClusterObjectCheck = z.infer<typeof clusterObjectCheck>;
export type ClusterAbsentCheck = z.infer<typeof clusterAbsentCheck>;
export type EventuallyCheck = z.infer<typeof eventuallyCheck>;
export type StableCheck = z.infer<typeof stableCheck>;
export type PodPhaseCheck = z.infer<typeof podPhaseCheck>;
export type NoControllerCheck = z.infer<typeof noControllerCheck>;
export type TimelineCheck = z.infer<typeof timelineCheck>;
export type LogsContainCheck = z.infer<typeof logsContainCheck>;

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
