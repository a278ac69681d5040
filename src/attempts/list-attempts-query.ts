import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { attemptStatuses } from './attempt-outcome.js';

const externalId = z.string().min(1).max(200);
const instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

/** The query string of GET /v1/attempts. Times select attempts received in [after, before). */
export const listAttemptsQuerySchema = z.strictObject({
  assessment: z.string().min(1).max(100).optional(),
  course: externalId.optional(),
  learner: externalId.optional(),
  status: z.enum(attemptStatuses).optional(),
  receivedAfter: instant.optional(),
  receivedBefore: instant.optional(),
  /** Attempts per page: 50 by default, at most 200. */
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page, unchanged; the filters must stay the same. */
  cursor: z.string().min(1).max(500).optional(),
});
export type ListAttemptsQuery = z.infer<typeof listAttemptsQuerySchema>;

/** Where a page starts: after this attempt in the order receivedAt desc, id desc. */
export interface AttemptCursor {
  receivedAt: Date;
  id: string;
}

/** What a cursor holds once decoded: the position and a fingerprint of the filters it was made with. */
const cursorPayloadSchema = z.strictObject({
  r: z.iso.datetime(),
  i: z.uuid(),
  f: z.string().length(16),
});

/**
 * A cursor is opaque to clients (base64url of a small JSON object): they pass it back as they got
 * it. It remembers the tenant and filters it was made for, so that reusing it with other filters
 * (or another tenant's key) is refused rather than silently skipping or repeating attempts.
 */
export function encodeAttemptCursor(
  position: AttemptCursor,
  scope: { tenantId: string; query: ListAttemptsQuery },
): string {
  const payload = { r: position.receivedAt.toISOString(), i: position.id, f: fingerprint(scope) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeAttemptCursor(
  cursor: string,
  scope: { tenantId: string; query: ListAttemptsQuery },
): AttemptCursor {
  const invalid = (why: string) =>
    new AppError('CURSOR_INVALID', `The cursor is not valid: ${why}.`, { cursor });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('it is not one this API gave out');
  }
  const payload = cursorPayloadSchema.safeParse(decoded);
  if (!payload.success) throw invalid('it is not one this API gave out');
  if (payload.data.f !== fingerprint(scope)) {
    throw invalid('it was made for other filters; start again without a cursor');
  }
  return { receivedAt: new Date(payload.data.r), id: payload.data.i };
}

/** The tenant and the filters, hashed: a cursor reveals neither, and fits no other list. */
function fingerprint({ tenantId, query }: { tenantId: string; query: ListAttemptsQuery }): string {
  const filters = [
    tenantId,
    query.assessment,
    query.course,
    query.learner,
    query.status,
    query.receivedAfter?.toISOString(),
    query.receivedBefore?.toISOString(),
  ];
  return createHash('sha256').update(JSON.stringify(filters)).digest('hex').slice(0, 16);
}

/** A query string that does not parse: 422 QUERY_INVALID listing each problem. */
export function parseListAttemptsQuery(query: unknown): ListAttemptsQuery {
  const parsed = listAttemptsQuerySchema.safeParse(query);
  if (parsed.success) return parsed.data;
  throw new AppError('QUERY_INVALID', 'The query string is not valid.', {
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}
