/**
 * Writes assessments/assessment.schema.json from the zod schema of the format.
 * Run after changing src/assessments/format/: `npx tsx scripts/write-assessment-schema.ts`.
 * A test fails when the committed file and the schema drift apart.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildAssessmentJsonSchema } from '../src/assessments/assessment-json-schema.js';
import { defaultAssessmentsDirectory } from '../src/assessments/default-assessments-directory.js';

const target = join(defaultAssessmentsDirectory(), 'assessment.schema.json');
// Formatted the way `prettier --check` expects, so the lint step stays green.
const prettierOptions = (await resolveConfig(target)) ?? {};
const text = await format(JSON.stringify(buildAssessmentJsonSchema()), {
  ...prettierOptions,
  parser: 'json',
});
await writeFile(target, text);
console.log(`wrote ${target}`);
