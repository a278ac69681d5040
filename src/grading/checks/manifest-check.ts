import { z } from 'zod';
import { matchingFailureModes } from '../../assessments/format/check-base.js';
import { expectedObject } from '../../assessments/format/expected-value.js';
import { documentSelector, listKeyOverrides } from '../../assessments/format/manifest-check.js';
import { selectDocument } from '../manifest/select-document.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { mismatchDetail } from '../matching/mismatch-detail.js';
import { defineCheckKind } from './check-kind.js';

/** Mismatches spelled out in one message; the rest are in the details. */
const mismatchesInMessage = 3;

/** A partial match of the check's `expect` on one document of the learner's manifest. */
export const manifestCheckKind = defineCheckKind({
  kind: 'manifest',
  readsCluster: false,
  failureModes: ['no-document', ...matchingFailureModes],
  fields: {
    select: documentSelector.default({}),
    /**
     * When no document matches `select` but the manifest has exactly one document, judge that
     * one, so a single mistake (say `kind: Deployment`) costs only the check about it.
     */
    fallbackToSingleDocument: z.boolean().default(true),
    expect: expectedObject,
    listKeys: listKeyOverrides.optional(),
  },
  run: async (check, { manifest }) => {
    if (manifest.status === 'rejected') {
      return {
        outcome: 'failed',
        failureMode: 'no-document',
        explanation: manifest.error.message,
        details: { reason: manifest.error.code, ...manifest.error.details },
      };
    }

    const selection = selectDocument(
      manifest.documents,
      check.select,
      check.fallbackToSingleDocument,
    );
    if (!selection.found) {
      return {
        outcome: 'failed',
        failureMode: 'no-document',
        explanation: selection.explanation,
        details: { select: check.select },
      };
    }

    const mismatches = matchPartial({
      expected: check.expect,
      actual: selection.document,
      listKeys: check.listKeys,
    });
    const [first] = mismatches;
    if (first === undefined) {
      return {
        outcome: 'passed',
        explanation: 'the manifest has what this check looks for',
        details: { documentIndex: selection.index },
      };
    }
    return {
      outcome: 'failed',
      failureMode: first.mode,
      explanation: mismatches.slice(0, mismatchesInMessage).map(describeMismatch).join('; '),
      details: { documentIndex: selection.index, mismatches: mismatches.map(mismatchDetail) },
    };
  },
});
export type ManifestCheck = z.output<typeof manifestCheckKind.schema>;
