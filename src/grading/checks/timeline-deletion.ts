import type { TimelineCheck } from './timeline-check.js';
import { ClusterReadError } from '../cluster-read-error.js';
import type { KubeObject } from '../cluster-reader.js';
import {
  explainControllers,
  findPodControllers,
  hasControllers,
} from '../diagnosis/describe-controllers.js';
import { parseLabelSelector, selectorMatches } from '../kubernetes/label-selector.js';
import { readPodFacts, type PodFacts } from '../kubernetes/pod-facts.js';
import type { PodObserver } from '../observation/pod-observer.js';
import type { CheckVerdict } from './check-verdict.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';
import { secondsBetween, shortUid } from './followed-pod.js';

type DeletedRule = NonNullable<TimelineCheck['deleted']>;

/**
 * The deleted moment: the Pod the grader saw (by uid) is deleted within the wait, it had no
 * controller, and nothing with its name or the replacement labels appears within the
 * stability window after the deletion. The watch that followed the Pod sees all of it; one
 * final list confirms the window ended with no replacement.
 */
export async function judgeDeletedNotRecreated(
  rule: DeletedRule,
  observer: PodObserver,
  context: ClusterCheckContext,
): Promise<CheckVerdict<'never-seen' | 'has-controller' | 'object-present' | 'recreated'>> {
  const uid = observer.trackedUid();
  if (uid === undefined) {
    return {
      outcome: 'failed',
      failureMode: 'never-seen',
      explanation: `the grader never saw ${observer.name} in namespace ${observer.namespace}, so it cannot confirm you deleted it`,
    };
  }
  const selector =
    rule.replacementSelector === undefined
      ? undefined
      : parseLabelSelector(rule.replacementSelector);
  if (rule.replacementSelector !== undefined && selector === undefined) {
    return {
      outcome: 'error',
      reason: 'RUBRIC_SELECTOR_INVALID',
      explanation: `the rubric's replacementSelector "${rule.replacementSelector}" is not a label selector, so this check could not be run; it does not count against you`,
    };
  }
  const pod = readPodFacts(observer.lastSeen(uid) ?? {});

  if (rule.requireNoOwnerReferences) {
    const { replicaSets, deployments } = await context.observations.controllers(observer.namespace);
    const controllers = findPodControllers({ pod, replicaSets, deployments });
    if (hasControllers(controllers)) {
      return {
        outcome: 'failed',
        failureMode: 'has-controller',
        explanation: `deleting Pod ${observer.name} would not make it go away: ${explainControllers(controllers, pod.name) ?? ''}`,
        details: { uid, ...controllers },
      };
    }
  }

  const waitUntil = new Date(context.clock.now().getTime() + rule.waitForDeletionSeconds * 1000);
  let deletion = await observer.waitFor(() => observer.deletionOf(uid), waitUntil, context.signal, {
    action: 'delete-pod',
    pod: observer.name,
    namespace: observer.namespace,
  });
  if (deletion === undefined) {
    await observer.confirm();
    deletion = observer.deletionOf(uid);
  }
  if (deletion === undefined) {
    return {
      outcome: 'failed',
      failureMode: 'object-present',
      explanation: `Pod ${observer.name} (uid ${shortUid(uid)}) still exists after the grader waited ${rule.waitForDeletionSeconds} s for its deletion`,
      details: { uid },
    };
  }

  const windowEnd = new Date(deletion.at.getTime() + rule.notRecreatedWithinSeconds * 1000);
  announceWait(context, 'watch-not-recreated', observer, windowEnd);
  const isReplacement = (facts: PodFacts) =>
    facts.uid !== uid &&
    (facts.name === observer.name ||
      (selector !== undefined && selectorMatches(selector, facts.labels)));
  const appeared = await observer.waitFor(
    () =>
      observer
        .appearedSince(deletion.at, uid)
        .find((item) => isReplacement(readPodFacts(item.object))),
    windowEnd,
    context.signal,
  );
  const replacement =
    appeared?.object ??
    (await findLateReplacement(observer, context, deletion.lastObject, isReplacement));
  const rememberedFrom = `Pod ${observer.name} (uid ${shortUid(uid)})`;
  if (replacement !== undefined) {
    const facts = readPodFacts(replacement);
    const after = appeared === undefined ? '' : ` ${secondsBetween(deletion.at, appeared.at)} s`;
    return {
      outcome: 'failed',
      failureMode: 'recreated',
      explanation: `Pod ${facts.name ?? ''} (uid ${shortUid(facts.uid ?? '')}) appeared${after} after ${rememberedFrom} was deleted: ${await explainReplacement(facts, observer.namespace, context)}`,
      details: { uid, replacement: { name: facts.name ?? null, uid: facts.uid ?? null } },
    };
  }
  const watched = describeWatched(observer.name, rule.replacementSelector);
  return {
    outcome: 'passed',
    explanation: `${rememberedFrom} was deleted and no Pod ${watched} appeared in the ${rule.notRecreatedWithinSeconds} s after`,
    details: { uid, deletedAt: deletion.at.toISOString(), seenBy: deletion.source },
  };
}

/**
 * The window ended quietly; one list of the namespace's Pods makes sure that is what the
 * cluster says, not a watch that stopped delivering. Only Pods created after the deletion
 * request count (by the cluster's own timestamps), so older Pods with the label do not.
 */
async function findLateReplacement(
  observer: PodObserver,
  context: ClusterCheckContext,
  deleted: KubeObject | undefined,
  isReplacement: (facts: PodFacts) => boolean,
): Promise<KubeObject | undefined> {
  const pods = await context.cluster.listPods({ namespace: observer.namespace });
  const since = deletionRequestedAt(deleted);
  return pods.find((object) => {
    const facts = readPodFacts(object);
    if (!isReplacement(facts)) return false;
    const created =
      facts.creationTimestamp === undefined ? undefined : Date.parse(facts.creationTimestamp);
    return (
      since === undefined || created === undefined || Number.isNaN(created) || created >= since
    );
  });
}

function deletionRequestedAt(object: KubeObject | undefined): number | undefined {
  const metadata = object?.metadata;
  const deletionTimestamp = metadata?.deletionTimestamp;
  if (deletionTimestamp === undefined) return undefined;
  const grace =
    typeof metadata?.deletionGracePeriodSeconds === 'number'
      ? metadata.deletionGracePeriodSeconds
      : 0;
  // The cluster stamps second precision; a second of slack keeps a same-second re-create in.
  return Date.parse(deletionTimestamp) - grace * 1000 - 1000;
}

async function explainReplacement(
  facts: PodFacts,
  namespace: string,
  context: ClusterCheckContext,
): Promise<string> {
  if (facts.ownerReferences.length === 0) {
    return 'it has no owner, so it was created again by hand (kubectl apply or create), while the lesson ends with the Pod deleted';
  }
  // A fresh list: the ReplicaSet may have been created after the run's first look.
  let replicaSets: KubeObject[] = [];
  try {
    replicaSets = await context.cluster.listReplicaSets({ namespace });
  } catch (error) {
    if (!(error instanceof ClusterReadError)) throw error;
  }
  const controllers = findPodControllers({ pod: facts, replicaSets, deployments: [] });
  return explainControllers(controllers, facts.name) ?? 'a controller created it';
}

/** The delete-pod wait is announced by the observer (it may park); the window is announced here. */
function announceWait(
  context: ClusterCheckContext,
  action: 'watch-not-recreated',
  observer: PodObserver,
  deadline: Date,
): void {
  context.onWaiting?.({ action, pod: observer.name, namespace: observer.namespace, deadline });
}

function describeWatched(name: string, selector: string | undefined): string {
  return selector === undefined ? `named ${name}` : `named ${name} or labelled ${selector}`;
}
