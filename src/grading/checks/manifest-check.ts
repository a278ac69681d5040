import type { ManifestCheck } from '../../assessments/format/manifest-check.js';
import { selectDocument } from '../manifest/select-document.js';
import { describeMismatch } from '../matching/describe-mismatch.js';
import { matchPartial } from '../matching/match-partial.js';
import { mismatchDetail } from '../matching/mismatch-detail.js';
import type { CheckRunner } from './check-context.js';

/** Mismatches spelled out in one message; the rest are in the details. */
const mismatchesInMessage = 3;

/** Partial match of the check's `expect` against one document of the submitted manifest. */
export const runManifestCheck: CheckRunner<ManifestCheck> = async (check, { manifest }) => {
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
};
