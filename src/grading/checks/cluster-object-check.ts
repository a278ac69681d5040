import type { z } from 'zod';
import { matchingFailureModes } from '../../assessments/format/check-base.js';
import {
  expectFromManifest,
  objectReference,
} from '../../assessments/format/cluster-check-fields.js';
import { expectedObject } from '../../assessments/format/expected-value.js';
import { listKeyOverrides } from '../../assessments/format/manifest-check.js';
import type { ExpectedObject } from '../../assessments/format/expected-value.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { mismatchDetail } from '../matching/mismatch-detail.js';
import type { Mismatch } from '../matching/mismatch.js';
import { defineClusterCheckKind } from './check-kind.js';
import { expectationFromManifest } from './expectation-from-manifest.js';
import { describeAbsence, describeReference, findReferencedObject } from './referenced-object.js';

/** Mismatches spelled out in one message; the rest are in the details. */
const mismatchesInMessage = 3;

/** The object exists now and matches `expect` (and/or the submitted manifest). */
export const clusterObjectCheckKind = defineClusterCheckKind({
  kind: 'cluster-object',
  failureModes: ['object-absent', 'no-document', ...matchingFailureModes],
  fields: {
    object: objectReference,
    expect: expectedObject.optional(),
    expectFromManifest: expectFromManifest.optional(),
    listKeys: listKeyOverrides.optional(),
  },
  run: async (check, context) => {
    const object = await findReferencedObject(check.object, context);
    if (object === undefined) {
      return {
        outcome: 'failed',
        failureMode: 'object-absent',
        explanation: describeAbsence(check.object, context),
      };
    }

    const comparisons: { source: 'rubric' | 'manifest'; expected: ExpectedObject }[] = [];
    if (check.expect !== undefined) comparisons.push({ source: 'rubric', expected: check.expect });
    if (check.expectFromManifest !== undefined) {
      const fromManifest = expectationFromManifest({
        manifest: context.manifest,
        select: check.expectFromManifest.select,
        paths: check.expectFromManifest.paths,
      });
      if (!fromManifest.found) {
        return {
          outcome: 'failed',
          failureMode: 'no-document',
          explanation: `there is nothing in the manifest to compare the cluster with: ${fromManifest.explanation}`,
        };
      }
      comparisons.push({ source: 'manifest', expected: fromManifest.expected });
    }

    const found = comparisons.flatMap(({ source, expected }) =>
      matchPartial({
        expected,
        actual: object,
        ...(check.listKeys ? { listKeys: check.listKeys } : {}),
      }).map((mismatch) => ({ source, mismatch })),
    );
    const subject = describeReference(check.object, context.namespace);
    const [first] = found;
    if (first === undefined) {
      return {
        outcome: 'passed',
        explanation: `${subject} has what this check looks for`,
        details: { uid: object.metadata?.uid ?? null },
      };
    }
    return {
      outcome: 'failed',
      failureMode: first.mismatch.mode,
      explanation: `in the cluster, ${subject} ${found
        .slice(0, mismatchesInMessage)
        .map(({ source, mismatch }) => describeFound(source, mismatch))
        .join('; ')}`,
      details: {
        uid: object.metadata?.uid ?? null,
        mismatches: found.map(({ source, mismatch }) => ({ source, ...mismatchDetail(mismatch) })),
      },
    };
  },
});
export type ClusterObjectCheck = z.output<typeof clusterObjectCheckKind.schema>;

function describeFound(source: 'rubric' | 'manifest', mismatch: Mismatch): string {
  const text = describeMismatch(mismatch);
  return source === 'manifest' ? `differs from your manifest: ${text}` : `does not match: ${text}`;
}
