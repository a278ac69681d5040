import { z } from 'zod';
import { objectSetReference, seconds } from '../../assessments/format/cluster-check-fields.js';
import type { KubeObject } from '../cluster-reader.js';
import type { ObjectChange } from '../observation/kind-observer.js';
import { defineClusterCheckKind } from './check-kind.js';
import { secondsBetween, shortUid } from './followed-pod.js';
import { kindsOfObjectSet, observeObjectSet, type ObservedObjectSet } from './object-set.js';

interface Deletion {
  at: Date;
  uid: string;
  object: KubeObject;
}

/**
 * An object of the set is deleted (the grader sees the deletion request or the object go), and
 * then, within `withinSeconds` of it:
 * - `then: replaced`: a new object (a uid the grader had not seen) joins the set, owned by the
 *   same controller as the deleted one: a Deployment's Pod comes back;
 * - `then: not-recreated`: no new object joins the set (nor one with the deleted one's name):
 *   a bare Pod stays deleted.
 * The first deletion the grader sees since it began watching counts, even one that happened
 * while earlier checks ran.
 */
export const deletedCheckKind = defineClusterCheckKind({
  kind: 'deleted',
  failureModes: ['never-seen', 'object-present', 'not-replaced', 'recreated'],
  fields: {
    objects: objectSetReference,
    then: z.enum(['replaced', 'not-recreated']),
    /** How long the grader waits for the learner's deletion. */
    waitForDeletionSeconds: seconds.default(300),
    withinSeconds: seconds,
  },
  longestWaitSeconds: (check) => check.waitForDeletionSeconds + check.withinSeconds,
  observes: (check) => kindsOfObjectSet(check.objects),
  run: async (check, context) => {
    const set = await observeObjectSet(check.objects, context);
    const since = set.observer.watchingSince;
    const deadline = new Date(context.clock.now().getTime() + check.waitForDeletionSeconds * 1000);
    const firstDeletion = () => findFirstDeletion(set, since);
    let deletion = await context.observations.waitForObjects(firstDeletion, deadline, {
      action: 'delete-pod',
      pod: set.describe(),
      namespace: set.namespace,
    });
    if (deletion === undefined) {
      await set.observer.confirm();
      deletion = firstDeletion();
    }
    if (deletion === undefined) {
      const everSeen = set.observer
        .statesSince(since)
        .some((state) => set.select(state.objects).length > 0);
      return everSeen
        ? {
            outcome: 'failed',
            failureMode: 'object-present',
            explanation: `none of the ${set.describe()} was deleted in the ${check.waitForDeletionSeconds} s the grader waited`,
          }
        : {
            outcome: 'failed',
            failureMode: 'never-seen',
            explanation: `the grader never saw any ${set.describe()}, so it cannot see one deleted`,
          };
    }

    const found = deletion;
    const windowEnd = new Date(found.at.getTime() + check.withinSeconds * 1000);
    const deletedName = found.object.metadata?.name ?? '';
    const deletedText = `${check.objects.kind} ${deletedName} (uid ${shortUid(found.uid)})`;
    const ownerUid = set.controllerUid(found.object);
    const newcomers = () => findNewcomers(set, found, since);
    if (check.then === 'replaced') {
      const isReplacement = (change: ObjectChange) =>
        ownerUid !== undefined && set.controllerUid(change.object) === ownerUid;
      const replacement = await context.observations.waitForObjects(
        () => newcomers().find(isReplacement),
        windowEnd,
      );
      if (replacement !== undefined) {
        return {
          outcome: 'passed',
          explanation: `${deletedText} was deleted and ${replacement.object.metadata?.name ?? 'a new one'} (uid ${shortUid(replacement.uid)}), owned by the same controller, replaced it ${secondsBetween(found.at, replacement.at)} s later`,
          details: { deleted: found.uid, replacement: replacement.uid },
        };
      }
      const other = newcomers()[0];
      const why =
        ownerUid === undefined
          ? `it had no controller, so nothing replaces it`
          : other === undefined
            ? `no new one owned by the same controller appeared within ${check.withinSeconds} s`
            : `${other.object.metadata?.name ?? 'a new one'} appeared, but it is not owned by the controller that owned ${deletedName}`;
      return {
        outcome: 'failed',
        failureMode: 'not-replaced',
        explanation: `${deletedText} was deleted, and ${why}`,
        details: { deleted: found.uid },
      };
    }

    const recreated = await context.observations.waitForObjects(() => newcomers()[0], windowEnd);
    if (recreated === undefined) await set.observer.confirm();
    const late = recreated ?? newcomers()[0];
    if (late !== undefined) {
      const owner = set.controllerUid(late.object);
      return {
        outcome: 'failed',
        failureMode: 'recreated',
        explanation: `${late.object.metadata?.name ?? 'a new one'} (uid ${shortUid(late.uid)}) appeared ${secondsBetween(found.at, late.at)} s after ${deletedText} was deleted: ${owner === undefined ? 'it has no owner, so it was created again by hand' : 'a controller owns it and replaces what is deleted'}`,
        details: { deleted: found.uid, recreated: late.uid },
      };
    }
    return {
      outcome: 'passed',
      explanation: `${deletedText} was deleted and nothing took its place in the ${check.withinSeconds} s after`,
      details: { deleted: found.uid, deletedAt: found.at.toISOString() },
    };
  },
});
export type DeletedCheck = z.output<typeof deletedCheckKind.schema>;

/** The first member the grader saw asked to go (a deletionTimestamp) or gone, since `since`. */
function findFirstDeletion(set: ObservedObjectSet, since: Date): Deletion | undefined {
  for (const change of set.observer.changes()) {
    if (change.at < since) continue;
    const deleting =
      change.type === 'DELETED' ||
      (change.type === 'MODIFIED' && change.object.metadata?.deletionTimestamp != null);
    if (!deleting) continue;
    // Judged on the object as it was before it went: its labels and owner then.
    if (!set.selects(change.object, { includeDeleting: true })) continue;
    return { at: change.at, uid: change.uid, object: change.object };
  }
  return undefined;
}

/** Members created after the deletion: uids the grader first saw after it (or same name). */
function findNewcomers(set: ObservedObjectSet, deletion: Deletion, since: Date): ObjectChange[] {
  const seenBefore = new Set(
    set.observer
      .changes()
      .filter((change) => change.at < deletion.at || change.uid === deletion.uid)
      .map((change) => change.uid),
  );
  const added = new Map<string, ObjectChange>();
  for (const change of set.observer.changes()) {
    if (change.at < since || change.type === 'DELETED' || seenBefore.has(change.uid)) continue;
    if (added.has(change.uid)) continue;
    const sameName = change.object.metadata?.name === deletion.object.metadata?.name;
    if (sameName || set.selects(change.object, { includeDeleting: true }))
      added.set(change.uid, change);
  }
  return [...added.values()];
}
