import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../../errors/app-error.js';

/** Every error answer of the API: `{ error: { code, message, details } }`. */
export function errorBodySchema(codes: readonly ErrorCode[] = errorCodes) {
  return z.object({
    error: z.object({
      /** Stable: clients branch on it (see the README's error table). */
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      /** For people; may change wording. */
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  });
}
