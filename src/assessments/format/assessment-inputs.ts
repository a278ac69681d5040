import { z } from 'zod';
import { nonEmptyText } from './identifiers.js';

/** What the learner hands in and where the grader looks. */
export const assessmentInputs = z.strictObject({
  /** The file name the lesson asks for, e.g. `my-pod.yaml` (shown to learners and integrations). */
  manifest: nonEmptyText,
  namespace: nonEmptyText.default('default'),
  /** Lets the grader skip TLS verification for this assessment's clusters (security review needed). */
  allowInsecureTls: z.boolean().default(false),
});
export type AssessmentInputs = z.infer<typeof assessmentInputs>;
