import { z } from 'zod';

const id = z.string().min(1).max(200);
const isoDate = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((text) => new Date(text));

/**
 * What to export, as the query string of GET /v1/results/export and the flags of
 * `kubegrade export` give it. Dates select attempts received in [from, to).
 */
export const exportRequestSchema = z.strictObject({
  format: z.enum(['csv', 'jsonl']).default('csv'),
  per: z.enum(['attempt', 'learner']).default('attempt'),
  assessment: id.optional(),
  course: id.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

/** The rows an export reads; `tenantId` comes from the caller's credentials, never the query. */
export interface ResultsFilter {
  assessmentId?: string;
  courseId?: string;
  from?: Date;
  to?: Date;
  tenantId?: string;
}

export function filterOf(request: ExportRequest, tenantId?: string): ResultsFilter {
  return {
    ...(request.assessment === undefined ? {} : { assessmentId: request.assessment }),
    ...(request.course === undefined ? {} : { courseId: request.course }),
    ...(request.from === undefined ? {} : { from: request.from }),
    ...(request.to === undefined ? {} : { to: request.to }),
    ...(tenantId === undefined ? {} : { tenantId }),
  };
}
