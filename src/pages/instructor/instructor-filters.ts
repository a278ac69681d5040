import { z } from 'zod';
import type { InstructorGrant } from '../../links/signed-links.js';
import type { InstructorReportFilter } from '../../results/instructor-report.js';

/** The filter form as submitted (GET query); an empty field means "any". */
export interface InstructorFilterForm {
  course: string;
  from: string;
  to: string;
  version: string;
}

const emptyIsAny = z
  .string()
  .max(200)
  .transform((text) => text.trim())
  .catch('');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/u)
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
  .or(z.literal(''))
  .catch('');

const formSchema = z.object({
  course: emptyIsAny.default(''),
  from: day.default(''),
  to: day.default(''),
  version: emptyIsAny.default(''),
});

/**
 * Reads the filter form from the query string. A value that is not a valid choice is dropped
 * (the page shows the unfiltered view rather than an error), since it came from a browser form.
 */
export function readFilterForm(query: unknown): InstructorFilterForm {
  const record = typeof query === 'object' && query !== null ? query : {};
  const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
  const fields = Object.fromEntries(
    ['course', 'from', 'to', 'version'].map((key) => [
      key,
      first((record as Record<string, unknown>)[key]) ?? '',
    ]),
  );
  return formSchema.parse(fields);
}

/**
 * The report's selection: the link fixes the tenant and assessment (and the course, when it was
 * issued for one, whatever the form says); the form narrows it. Dates are whole UTC days, the
 * `to` day included.
 */
export function reportFilterOf(
  grant: InstructorGrant,
  form: InstructorFilterForm,
): InstructorReportFilter {
  const courseId = grant.courseId ?? (form.course === '' ? undefined : form.course);
  const to = form.to === '' ? undefined : new Date(Date.parse(`${form.to}T00:00:00Z`) + 86_400_000);
  return {
    tenantId: grant.tenantId,
    assessmentId: grant.assessmentId,
    ...(courseId === undefined ? {} : { courseId }),
    ...(form.from === '' ? {} : { from: new Date(`${form.from}T00:00:00Z`) }),
    ...(to === undefined ? {} : { to }),
    ...(form.version === '' ? {} : { assessmentVersion: form.version }),
  };
}
