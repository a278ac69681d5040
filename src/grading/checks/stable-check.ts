import type { z } from 'zod';
import { objectReference, seconds } from '../../assessments/format/cluster-check-fields.js';
import { expectedObject } from '../../assessments/format/expected-value.js';
import { listKeyOverrides } from '../../assessments/format/manifest-check.js';
import type { KubeObject } from '../cluster-reader.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { awaitReferencedObject } from './await-referenced-object.js';
import { defineClusterCheckKind } from './check-kind.js';
import { describeAbsence, describeReference } from './referenced-object.js';

/** The object matches `expect` continuously for the whole duration. */
export const stableCheckKind = defineClusterCheckKind({
  kind: 'stable',
  failureModes: ['not-stable'],
  fields: {
    object: objectReference,
    expect: expectedObject,
    durationSeconds: seconds,
    pollIntervalSeconds: seconds.default(2),
    listKeys: listKeyOverrides.optional(),
  },
  longestWaitSeconds: (check) => check.durationSeconds,
  run: async (check, context) => {
    const subject = describeReference(check.object, context.namespace);
    const violation = (object: KubeObject | undefined): string | undefined => {
      if (object === undefined) return describeAbsence(check.object, context);
      const mismatches = matchPartial({
        expected: check.expect,
        actual: object,
        ...(check.listKeys ? { listKeys: check.listKeys } : {}),
      });
      return mismatches.length === 0
        ? undefined
        : mismatches.slice(0, 3).map(describeMismatch).join('; ');
    };
    const windowStart = context.clock.now();
    const deadline = new Date(windowStart.getTime() + check.durationSeconds * 1000);
    const reference = check.object;
    const followedPod =
      reference.kind === 'Pod' &&
      reference.name !== undefined &&
      reference.labelSelector === undefined
        ? context.observations.pod(reference.namespace ?? context.namespace, reference.name)
        : undefined;

    const { answer: broken } = followedPod
      ? {
          answer: await followedPod.waitFor(
            () =>
              followedPod
                .versionsSince(windowStart)
                .map((version) => ({ at: version.at, reason: violation(version.object) }))
                .find((item) => item.reason !== undefined),
            deadline,
            context.signal,
          ),
        }
      : await awaitReferencedObject({
          reference,
          context,
          deadline,
          pollIntervalMs: check.pollIntervalSeconds * 1000,
          probe: (object) => {
            const reason = violation(object);
            return reason === undefined ? undefined : { at: context.clock.now(), reason };
          },
        });
    if (broken !== undefined) {
      const into = Math.max(0, Math.round((broken.at.getTime() - windowStart.getTime()) / 1000));
      return {
        outcome: 'failed',
        failureMode: 'not-stable',
        explanation: `${subject} stopped matching ${into} s into the ${check.durationSeconds} s window: ${broken.reason ?? ''}`,
      };
    }
    if (followedPod !== undefined) {
      // The window passed quietly: confirm with a fresh read that the Pod still matches.
      await followedPod.confirm();
      const reason = violation(followedPod.current());
      if (reason !== undefined) {
        return {
          outcome: 'failed',
          failureMode: 'not-stable',
          explanation: `${subject} no longer matched at the end of the ${check.durationSeconds} s window: ${reason}`,
        };
      }
    }
    return {
      outcome: 'passed',
      explanation: `${subject} matched for the whole ${check.durationSeconds} s`,
    };
  },
});
export type StableCheck = z.output<typeof stableCheckKind.schema>;
