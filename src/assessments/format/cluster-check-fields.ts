import { z } from 'zod';
import { documentSelector } from './manifest-check.js';
import { nonEmptyText } from './identifiers.js';

/**
 * Fields the cluster check kinds share (src/grading/checks/*-check.ts define the kinds).
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

/** A wait in cluster seconds, at most an hour. */
export const seconds = z.number().positive().max(3600);

/** Use the learner's submitted document as (part of) the expected object. */
export const expectFromManifest = z.strictObject({
  select: documentSelector.default({}),
  /** Dotted paths of the submitted document that the cluster object must match. */
  paths: z.array(nonEmptyText).min(1).default(['metadata.labels', 'spec.containers']),
});
