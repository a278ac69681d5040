import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { z } from 'zod';
import { check } from '../../src/assessments/format/assessment-file.js';
import { isClusterCheckKind } from '../../src/assessments/assessment.js';

const draftFile = fileURLToPath(
  new URL('../../assessments/first-pod/cluster-checks.draft.yaml', import.meta.url),
);

describe('the first-pod cluster checks draft', () => {
  const parsed = z
    .strictObject({ checks: z.array(check).min(1) })
    .safeParse(load(readFileSync(draftFile, 'utf8')));

  it('is valid in the assessment format', () => {
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('covers the lesson: exists as written, Running with IP and node, nginx logs, no controller, deleted and not recreated', () => {
    const checks = parsed.data?.checks ?? [];
    expect(checks.every((item) => isClusterCheckKind(item.kind))).toBe(true);
    expect(checks.map((item) => item.kind).sort()).toEqual([
      'cluster-object',
      'logs-contain',
      'no-controller',
      'pod-phase',
      'timeline',
    ]);
    const timeline = checks.find((item) => item.kind === 'timeline');
    expect(timeline).toEqual(
      expect.objectContaining({
        phasesInOrder: ['Pending', 'Running'],
        deleted: {
          notRecreatedWithinSeconds: 30,
          replacementSelector: 'app=web',
          requireNoOwnerReferences: true,
        },
      }),
    );
  });
});
