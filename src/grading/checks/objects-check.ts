import type { z } from 'zod';
import {
  objectCount,
  objectSetReference,
  seconds,
} from '../../assessments/format/cluster-check-fields.js';
import { expectedObject, type ExpectedObject } from '../../assessments/format/expected-value.js';
import { listKeyOverrides } from '../../assessments/format/manifest-check.js';
import type { KubeObject } from '../cluster-reader.js';
import { readPodFacts } from '../kubernetes/pod-facts.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { defineClusterCheckKind } from './check-kind.js';
import {
  countHolds,
  describeCount,
  describeMembers,
  diagnoseMember,
  kindsOfObjectSet,
  observeObjectSet,
  type ObservedObjectSet,
} from './object-set.js';

type Finding =
  | { holds: true }
  | {
      holds: false;
      mode: 'object-absent' | 'wrong-count' | 'not-all-match' | 'none-match';
      explanation: string;
      /** The member to diagnose (a Pod that does not run, say). */
      culprit?: KubeObject;
    };

/**
 * A set of objects (by kind and name, label selector and/or owning controller) has `count`
 * members, `all` of them match an expectation and/or `any` one does. Without `withinSeconds`
 * it is judged on the set as it is; with it, the check passes if the set held at any moment
 * from when the grader began watching the kind until `withinSeconds` after the check started
 * (the lesson is a timeline: three Pods that ran before the learner scaled to five still ran).
 */
export const objectsCheckKind = defineClusterCheckKind({
  kind: 'objects',
  failureModes: ['object-absent', 'wrong-count', 'not-all-match', 'none-match'],
  fields: {
    objects: objectSetReference,
    count: objectCount.optional(),
    /** Every member matches (and there is at least one). */
    all: expectedObject.optional(),
    /** At least one member matches. */
    any: expectedObject.optional(),
    withinSeconds: seconds.optional(),
    listKeys: listKeyOverrides.optional(),
  },
  refine: (object) =>
    object.refine(
      (check) => check.count !== undefined || check.all !== undefined || check.any !== undefined,
      { message: 'An objects check needs count, all or any' },
    ),
  longestWaitSeconds: (check) => check.withinSeconds ?? 0,
  observes: (check) => kindsOfObjectSet(check.objects),
  run: async (check, context) => {
    const set = await observeObjectSet(check.objects, context);
    const matches = (expected: ExpectedObject, object: KubeObject) =>
      matchPartial({
        expected,
        actual: object,
        ...(check.listKeys ? { listKeys: check.listKeys } : {}),
      });
    const judge = (members: readonly KubeObject[]): Finding =>
      judgeMembers({ check, set, members, matches });

    const started = context.clock.now();
    let finding = judge(set.members());
    if (!finding.holds && check.withinSeconds !== undefined) {
      const deadline = new Date(started.getTime() + check.withinSeconds * 1000);
      let judgedStates = 0;
      const heldAt = () => {
        const states = set.observer.statesSince(set.observer.watchingSince);
        for (; judgedStates < states.length; judgedStates += 1) {
          const state = states[judgedStates];
          if (state !== undefined && judge(set.select(state.objects)).holds) return state.at;
        }
        return undefined;
      };
      const held = await context.observations.waitForObjects(heldAt, deadline);
      if (held === undefined) await set.observer.confirm();
      finding = held !== undefined ? { holds: true } : judge(set.members());
    }
    if (finding.holds) {
      return {
        outcome: 'passed',
        explanation: `${set.describe()}: ${describeMembers(check.objects.kind, set.members())}, as this check asks`,
      };
    }
    const diagnosis =
      finding.culprit === undefined
        ? undefined
        : await diagnoseMember(finding.culprit, set, context);
    const after = check.withinSeconds === undefined ? '' : `after ${check.withinSeconds} s, `;
    return {
      outcome: 'failed',
      failureMode: finding.mode,
      explanation: `${after}${finding.explanation}${diagnosis === undefined ? '' : `; ${diagnosis}`}`,
      details: {
        members: set.members().map((object) => object.metadata?.name ?? null),
        ...(diagnosis === undefined ? {} : { diagnosis }),
      },
    };
  },
});
export type ObjectsCheck = z.output<typeof objectsCheckKind.schema>;

function judgeMembers(options: {
  check: ObjectsCheck;
  set: ObservedObjectSet;
  members: readonly KubeObject[];
  matches: (expected: ExpectedObject, object: KubeObject) => ReturnType<typeof matchPartial>;
}): Finding {
  const { check, set, members, matches } = options;
  const found = describeMembers(check.objects.kind, members);
  // A member that does not run says most about why (an image that cannot be pulled).
  const culpritOf = (expected: ExpectedObject) => {
    const failing = members.filter((object) => matches(expected, object).length > 0);
    return failing.find((object) => readPodFacts(object).phase !== 'Running') ?? failing[0];
  };
  if (check.count !== undefined && !countHolds(check.count, members.length)) {
    const stuck = check.all === undefined ? undefined : culpritOf(check.all);
    return {
      holds: false,
      mode: members.length === 0 ? 'object-absent' : 'wrong-count',
      explanation: `${set.describe()}: found ${found}, expected ${describeCount(check.count)}`,
      ...(stuck === undefined ? {} : { culprit: stuck }),
    };
  }
  if ((check.all !== undefined || check.any !== undefined) && members.length === 0) {
    return {
      holds: false,
      mode: 'object-absent',
      explanation: `there are no ${set.describe()}`,
    };
  }
  if (check.all !== undefined) {
    const culprit = culpritOf(check.all);
    if (culprit !== undefined) {
      const mismatches = matches(check.all, culprit);
      return {
        holds: false,
        mode: 'not-all-match',
        explanation: `${set.describe()}: ${culprit.metadata?.name ?? 'one'} does not match: ${mismatches
          .slice(0, 3)
          .map(describeMismatch)
          .join('; ')}`,
        culprit,
      };
    }
  }
  if (
    check.any !== undefined &&
    !members.some((object) => matches(check.any ?? {}, object).length === 0)
  ) {
    const first = members[0];
    const mismatches = first === undefined ? [] : matches(check.any, first);
    return {
      holds: false,
      mode: 'none-match',
      explanation: `${set.describe()}: none of ${found} matches; ${first?.metadata?.name ?? ''} ${mismatches
        .slice(0, 3)
        .map(describeMismatch)
        .join('; ')}`,
      ...(first === undefined ? {} : { culprit: first }),
    };
  }
  return { holds: true };
}
