import type { z } from 'zod';
import { objectReference, seconds } from '../../assessments/format/cluster-check-fields.js';
import { expectedObject } from '../../assessments/format/expected-value.js';
import { listKeyOverrides } from '../../assessments/format/manifest-check.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { mismatchDetail } from '../matching/mismatch-detail.js';
import { awaitReferencedObject } from './await-referenced-object.js';
import { defineClusterCheckKind } from './check-kind.js';
import { describeAbsence, describeReference } from './referenced-object.js';

/** The object comes to match `expect` within the timeout (watched, or polled). */
export const eventuallyCheckKind = defineClusterCheckKind({
  kind: 'eventually',
  failureModes: ['timeout'],
  fields: {
    object: objectReference,
    expect: expectedObject,
    timeoutSeconds: seconds,
    pollIntervalSeconds: seconds.default(2),
    listKeys: listKeyOverrides.optional(),
  },
  longestWaitSeconds: (check) => check.timeoutSeconds,
  run: async (check, context) => {
    const started = context.clock.now();
    const deadline = new Date(started.getTime() + check.timeoutSeconds * 1000);
    const matches = (object: unknown) =>
      matchPartial({
        expected: check.expect,
        actual: object,
        ...(check.listKeys ? { listKeys: check.listKeys } : {}),
      });
    const { answer, last } = await awaitReferencedObject({
      reference: check.object,
      context,
      deadline,
      pollIntervalMs: check.pollIntervalSeconds * 1000,
      probe: (object) =>
        object !== undefined && matches(object).length === 0 ? object : undefined,
    });
    const subject = describeReference(check.object, context.namespace);
    if (answer !== undefined) {
      const after = Math.round((context.clock.now().getTime() - started.getTime()) / 1000);
      return { outcome: 'passed', explanation: `${subject} matched within ${after} s` };
    }
    if (last === undefined) {
      return {
        outcome: 'failed',
        failureMode: 'timeout',
        explanation: `after ${check.timeoutSeconds} s, ${describeAbsence(check.object, context)}`,
      };
    }
    const mismatches = matches(last);
    return {
      outcome: 'failed',
      failureMode: 'timeout',
      explanation: `after ${check.timeoutSeconds} s, ${subject} still does not match: ${mismatches
        .slice(0, 3)
        .map(describeMismatch)
        .join('; ')}`,
      details: { mismatches: mismatches.map(mismatchDetail) },
    };
  },
});
export type EventuallyCheck = z.output<typeof eventuallyCheckKind.schema>;
