import { z } from 'zod';

/** The source of a regular expression (Unicode mode), checked to compile when the rubric loads. */
export const regularExpressionSource = z
  .string()
  .min(1)
  .refine(compiles, 'Not a valid regular expression');

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}
