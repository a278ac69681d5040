import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/** Parses a request body with its schema, or fails with VALIDATION_FAILED listing each problem. */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', 'The request body is not valid.', {
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}
