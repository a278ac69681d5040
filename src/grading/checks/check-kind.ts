import { z } from 'zod';
import { checkBaseShape, type CheckBase } from '../../assessments/format/check-base.js';
import type { CheckContext } from './check-context.js';
import type { CheckVerdict } from './check-verdict.js';
import type { ObservableKind } from '../kubernetes/observable-kinds.js';
import { requiringCluster, type ClusterCheckContext } from './cluster-check-unavailable.js';

/**
 * Everything about one check kind, in one module: its YAML schema, the ways it can fail, how long
 * it may wait on the cluster, and its runner. The assessment schema, its JSON Schema, the runner
 * dispatch and the failure-mode feedback keys are all built from a list of these, so a new kind
 * is one new module; its runner cannot return a failure mode it did not declare.
 */
export interface CheckKindModule<
  Kind extends string = string,
  Check = CheckBase & { kind: Kind },
  Mode extends string = string,
> {
  readonly kind: Kind;
  /** Whether it looks at the learner's cluster (without one it ends as `error`, or `skipped`). */
  readonly readsCluster: boolean;
  readonly failureModes: readonly Mode[];
  /** The check as written in assessment.yaml (a strict object with `kind` as its literal). */
  readonly schema: z.ZodType<Check, unknown>;
  /** An upper bound, in cluster seconds, on how long this check may wait on the cluster. */
  longestWaitSeconds(check: Check): number;
  /**
   * The kinds this check follows over time. The run starts watching them before the first
   * check, so what happens while earlier checks run (a Pod deleted and replaced) is seen.
   */
  observes(check: Check): ObservedKind[];
  run(check: Check, context: CheckContext): Promise<CheckVerdict<Mode>>;
}

// Widened so lists of modules with different check types can be held together. `unknown` or
// `CheckBase` in place of `any` make CheckOf<Modules> lose the kinds' own check types when a
// generic caller (buildAssessmentFileSchema, parseAssessment) infers them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheckKindModule = CheckKindModule<string, any, string>;

/** The check type of a list of modules: the union of their schemas' outputs. */
export type CheckOf<Modules extends readonly AnyCheckKindModule[]> = z.output<
  Modules[number]['schema']
>;

/** The failure modes of a list of modules. */
export type FailureModeOf<Modules extends readonly AnyCheckKindModule[]> =
  Modules[number]['failureModes'][number];

type KindObject<
  Kind extends string,
  Mode extends string,
  Fields extends z.core.$ZodLooseShape,
> = z.ZodObject<
  ReturnType<typeof checkBaseShape<Mode>> & { kind: z.ZodLiteral<Kind> } & Fields,
  z.core.$strict
>;

/** A kind watched in a namespace (the attempt's, when not given). */
export interface ObservedKind {
  kind: ObservableKind;
  namespace?: string | undefined;
}

/** A check of a kind, as parsed from assessment.yaml. */
type KindCheck<
  Kind extends string,
  Mode extends string,
  Fields extends z.core.$ZodLooseShape,
> = z.output<KindObject<Kind, Mode, Fields>>;

/**
 * What a check kind is defined from. `fields` are the kind's own fields; the common ones (id,
 * title, points, description, feedback keyed by `failureModes`, hint) and `kind` are added by
 * `defineCheckKind`. `Context` is what the runner is given.
 */
interface CheckKindDefinition<
  Kind extends string,
  Mode extends string,
  Fields extends z.core.$ZodLooseShape,
  Context,
> {
  kind: Kind;
  failureModes: readonly Mode[];
  fields: Fields;
  /** Cross-field rules on the strict object (zod's `refine` keeps the object's type). */
  refine?: (object: KindObject<Kind, Mode, Fields>) => KindObject<Kind, Mode, Fields>;
  longestWaitSeconds?: (check: KindCheck<Kind, Mode, Fields>) => number;
  observes?: (check: KindCheck<Kind, Mode, Fields>) => ObservedKind[];
  run: (check: KindCheck<Kind, Mode, Fields>, context: Context) => Promise<CheckVerdict<Mode>>;
}

/** Defines a check kind (see `CheckKindDefinition`). */
export function defineCheckKind<
  const Kind extends string,
  const Mode extends string,
  Fields extends z.core.$ZodLooseShape,
>(
  definition: CheckKindDefinition<Kind, Mode, Fields, CheckContext> & { readsCluster: boolean },
): CheckKindModule<Kind, KindCheck<Kind, Mode, Fields>, Mode> & {
  readonly schema: KindObject<Kind, Mode, Fields>;
} {
  const object: KindObject<Kind, Mode, Fields> = z.strictObject({
    ...checkBaseShape(definition.failureModes),
    kind: z.literal(definition.kind),
    ...definition.fields,
  });
  return {
    kind: definition.kind,
    readsCluster: definition.readsCluster,
    failureModes: definition.failureModes,
    schema: definition.refine?.(object) ?? object,
    longestWaitSeconds: definition.longestWaitSeconds ?? (() => 0),
    observes: definition.observes ?? (() => []),
    run: definition.run,
  };
}

/**
 * Defines a check kind that looks at the learner's cluster: its runner gets the cluster and the
 * run's observations, and without cluster access the check ends as `error`
 * (CLUSTER_NOT_PROVIDED), never `failed`, so the learner loses nothing for it.
 */
export function defineClusterCheckKind<
  const Kind extends string,
  const Mode extends string,
  Fields extends z.core.$ZodLooseShape,
>(definition: CheckKindDefinition<Kind, Mode, Fields, ClusterCheckContext>) {
  return defineCheckKind({
    ...definition,
    readsCluster: true,
    run: requiringCluster(definition.kind, definition.run),
  });
}
