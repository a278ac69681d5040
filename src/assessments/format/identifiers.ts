import { z } from 'zod';

/**
 * Ids that appear in URLs, database keys and stored results: lowercase words joined by hyphens,
 * at most 100 characters (the width of the id columns in the database).
 */
export const slugId = z
  .string()
  .max(100)
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'Use lowercase letters, digits and single hyphens (e.g. "container-port-80")',
  );

/**
 * Points are positive and carry at most two decimals, because scores are stored as DECIMAL(8,2)
 * and a quiz concept is often worth half a question.
 */
export const points = z.number().positive().multipleOf(0.01);

/** Names of Kubernetes objects and label values as written in a rubric. */
export const nonEmptyText = z.string().trim().min(1);
