import { z } from 'zod';

/**
 * What an API key may do. Each route names the one scope it needs (see README, "Authentication"):
 * - `attempts:write`    submit attempts (POST /v1/attempts)
 * - `attempts:read`     list attempts with their status and score (GET /v1/attempts)
 * - `results:read`      read one attempt's full result: checks, feedback, quiz (GET /v1/attempts/:id); export results; issue instructor links (POST /v1/instructor-links)
 * - `results:write`     override one check or quiz answer of an attempt (POST /v1/attempts/:id/overrides)
 * - `assessments:admin` regrade an assessment's attempts (POST /v1/regrades); manage the tenant's integration settings (webhooks, LTI registrations)
 */
export const apiScopes = [
  'attempts:write',
  'attempts:read',
  'results:read',
  'results:write',
  'assessments:admin',
] as const;

export const apiScopeSchema = z.enum(apiScopes);

export type ApiScope = z.infer<typeof apiScopeSchema>;

/** Reads a comma-separated scope list (the CLI's `--scopes`); throws a ZodError for unknown ones. */
export function parseScopeList(text: string): ApiScope[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return [...new Set(z.array(apiScopeSchema).min(1).parse(entries))];
}
