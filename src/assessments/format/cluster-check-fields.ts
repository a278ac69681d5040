import { z } from 'zod';
import { observableKindPaths, observableKinds } from '../../grading/kubernetes/observable-kinds.js';
import { parseLabelSelector } from '../../grading/kubernetes/label-selector.js';
import { documentSelector } from './manifest-check.js';
import { nonEmptyText } from './identifiers.js';

/**
 * Fields the cluster check kinds share (src/grading/checks/*-check.ts define the kinds).
 * Checks that look at the learner's cluster. Without cluster access they end as `error` (never
 * `failed`). Every object lives in the assessment's `inputs.namespace` unless `namespace` says
 * otherwise. Waits are in seconds of cluster time; the grader's clock may run them faster.
 */

export { observableKinds, type ObservableKind } from '../../grading/kubernetes/observable-kinds.js';
import type { ObservableKind } from '../../grading/kubernetes/observable-kinds.js';

/** "Pod, ReplicaSet... are v1; ... are apps/v1", from the table of observable kinds. */
function describeApiVersions(): string {
  const byVersion = new Map<string, string[]>();
  for (const kind of observableKinds) {
    const version = observableKindPaths[kind].apiVersion;
    byVersion.set(version, [...(byVersion.get(version) ?? []), kind]);
  }
  return [...byVersion]
    .map(([version, kinds]) => {
      const names =
        kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`;
      return `${names ?? ''} ${kinds.length === 1 ? 'is' : 'are'} ${version}`;
    })
    .join('; ');
}

/** Which object to look at: by name, or by label selector (the first match, by name). */
export const objectReference = z
  .strictObject({
    /** Optional; when given it must be the kind's own (v1 for Pod, apps/v1 for Deployment...). */
    apiVersion: nonEmptyText.optional(),
    kind: z.enum(observableKinds).default('Pod'),
    name: nonEmptyText.optional(),
    labelSelector: nonEmptyText.optional(),
    namespace: nonEmptyText.optional(),
  })
  .refine((ref) => ref.name !== undefined || ref.labelSelector !== undefined, {
    message: 'Give a name or a labelSelector',
  })
  .refine(
    (ref) =>
      ref.apiVersion === undefined || ref.apiVersion === observableKindPaths[ref.kind].apiVersion,
    {
      message: `apiVersion does not belong to this kind (${describeApiVersions()})`,
      path: ['apiVersion'],
    },
  );
export type ObjectReference = z.infer<typeof objectReference>;

/** A reference that names one Pod (the checks that follow a Pod over time need its name). */
export const podReference = z.strictObject({
  name: nonEmptyText,
  namespace: nonEmptyText.optional(),
});
export type PodReference = z.infer<typeof podReference>;

export const podPhase = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
export type PodPhase = z.infer<typeof podPhase>;

/** A wait in cluster seconds, at most an hour. */
export const seconds = z.number().positive().max(3600);

/** Use the learner's submitted document as (part of) the expected object. */
export const expectFromManifest = z.strictObject({
  select: documentSelector.default({}),
  /** Dotted paths of the submitted document that the cluster object must match. */
  paths: z.array(nonEmptyText).min(1).default(['metadata.labels', 'spec.containers']),
});

/**
 * A set of objects: every object of `kind` in the namespace, narrowed by name, label selector
 * and/or the controller that owns it, followed up the owner chain (`ownedBy: { kind:
 * Deployment, name: web }` finds the Pods of the Deployment's ReplicaSets). Objects being
 * deleted (a deletionTimestamp is set, `kubectl get` shows Terminating) are not in the set.
 */
function setReference<Kind extends z.ZodType<ObservableKind>>(kind: Kind) {
  return z
    .strictObject({
      kind,
      name: nonEmptyText.optional(),
      labelSelector: nonEmptyText.optional(),
      namespace: nonEmptyText.optional(),
      ownedBy: z
        .strictObject({ kind: z.enum(['ReplicaSet', 'Deployment']), name: nonEmptyText })
        .optional(),
    })
    .refine(
      (ref) =>
        ref.labelSelector === undefined || parseLabelSelector(ref.labelSelector) !== undefined,
      {
        message: 'Not a label selector (write it as kubectl -l takes it: "app=web,tier!=db")',
        path: ['labelSelector'],
      },
    );
}

export const objectSetReference = setReference(z.enum(observableKinds));
/** A set of Pods (`pods:` in pod-phase and logs-contain): `kind` may be left out. */
export const podSetReference = setReference(z.literal('Pod').default('Pod'));
export type ObjectSetReference = z.infer<typeof objectSetReference>;

/** How many objects the set must hold. */
export const objectCount = z
  .strictObject({
    equals: z.number().int().nonnegative().optional(),
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().nonnegative().optional(),
  })
  .refine((count) => Object.keys(count).length > 0, { message: 'Give equals, min or max' });
export type ObjectCount = z.infer<typeof objectCount>;
