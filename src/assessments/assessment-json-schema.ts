import { z } from 'zod';
import { builtInCheckKinds } from '../grading/checks/built-in-check-kinds.js';
import type { CheckKinds } from '../grading/checks/check-kind-registry.js';
import { buildAssessmentFileSchema } from './format/assessment-file.js';

/**
 * The JSON Schema of assessment.yaml, generated from the same zod schema the loader uses, for
 * editors (`# yaml-language-server: $schema=../assessment.schema.json`) and authoring tools.
 * Input mode: fields with defaults are optional, as authors write them. Refinements that JSON
 * Schema cannot express (unique ids, concept points adding up) are enforced only by the loader.
 */
export function buildAssessmentJsonSchema(
  kinds: CheckKinds = builtInCheckKinds,
): Record<string, unknown> {
  return z.toJSONSchema(buildAssessmentFileSchema(kinds), {
    io: 'input',
    target: 'draft-2020-12',
  });
}
