import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { findInvalidText } from './find-invalid-text.js';

/**
 * Parses a request body with its schema, or fails with VALIDATION_FAILED listing each problem.
 * Text that cannot be stored (NUL, lone surrogates) anywhere in the body, even in a field the
 * schema would refuse, is INPUT_INVALID_TEXT with its path.
 */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  const invalidText = findInvalidText(body);
  if (invalidText) {
    const what = invalidText.reason === 'NUL_CHARACTER' ? 'a NUL character' : 'a lone surrogate';
    const where = invalidText.inKey ? 'the field name' : 'the value';
    throw new AppError(
      'INPUT_INVALID_TEXT',
      `The request body holds ${what} in ${where} at "${invalidText.path}": text must be Unicode without U+0000.`,
      { path: invalidText.path, reason: invalidText.reason },
    );
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', 'The request body is not valid.', {
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}
