import type { EventuallyCheck } from '../../assessments/format/cluster-checks.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { mismatchDetail } from '../matching/mismatch-detail.js';
import { awaitReferencedObject } from './await-referenced-object.js';
import { requiringCluster } from './cluster-check-unavailable.js';
import { describeAbsence, describeReference } from './referenced-object.js';

/** The object comes to match `expect` within `timeoutSeconds` of the check starting. */
export const runEventuallyCheck = requiringCluster<EventuallyCheck>(async (check, context) => {
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
    probe: (object) => (object !== undefined && matches(object).length === 0 ? object : undefined),
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
});
