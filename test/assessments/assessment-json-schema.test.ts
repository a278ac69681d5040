import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAssessmentJsonSchema } from '../../src/assessments/assessment-json-schema.js';
import { defaultAssessmentsDirectory } from '../../src/assessments/default-assessments-directory.js';
import { builtInCheckKinds } from '../../src/grading/checks/built-in-check-kinds.js';

const clusterCheckKinds = builtInCheckKinds
  .filter((kind) => kind.readsCluster)
  .map((kind) => kind.kind);

describe('assessments/assessment.schema.json', () => {
  it('is what the zod schema generates (run scripts/write-assessment-schema.ts after changing the format)', async () => {
    const committed: unknown = JSON.parse(
      await readFile(join(defaultAssessmentsDirectory(), 'assessment.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAssessmentJsonSchema())));
  });

  it('describes every check kind and keeps defaulted fields optional for authors', () => {
    const text = JSON.stringify(buildAssessmentJsonSchema());
    for (const kind of ['manifest', ...clusterCheckKinds])
      expect(text).toContain(`"const":"${kind}"`);
    const schema = buildAssessmentJsonSchema() as { required: string[] };
    expect(schema.required).not.toContain('quiz');
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'version', 'checks']));
  });
});
