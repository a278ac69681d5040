import { pipeline } from 'node:stream/promises';
import { Router, type RequestHandler } from 'express';
import { documented } from '../http/openapi/route-doc.js';
import { parseBody } from '../http/parse-body.js';
import { exportResults, type ResultsSource } from './export-results.js';
import { exportRequestSchema } from './results-filter.js';

/**
 * GET /v1/results/export?format=csv|jsonl&per=attempt|learner&assessment=&course=&from=&to=
 * Streams the file; a client that stops reading pauses the database reads (back-pressure),
 * one that disconnects ends them.
 */
const exportDoc = documented({
  summary: "Export the tenant's results as CSV or JSON Lines",
  description:
    'One row per attempt or per learner; dates select attempts received in [from, to). ' +
    'Streamed from a database cursor.',
  tag: 'Results',
  access: { scope: 'results:read' },
  query: exportRequestSchema,
  queryExample: { format: 'csv', per: 'learner', assessment: 'first-pod', from: '2026-11-01' },
  responses: {
    200: { description: 'The file (text/csv, or application/jsonl).', contentType: 'text/csv' },
  },
  errors: ['VALIDATION_FAILED', 'INPUT_INVALID_TEXT'],
});

export function createResultsRouter(deps: {
  results: ResultsSource;
  authorize: RequestHandler;
  /** The caller's tenant, once authorised; undefined for an operator's admin token. */
  tenantOf?: (res: Parameters<RequestHandler>[1]) => string | undefined;
}): Router {
  const router = Router();
  router.get('/export', exportDoc, deps.authorize, async (req, res) => {
    const request = parseBody(exportRequestSchema, { ...req.query });
    const tenantId = deps.tenantOf?.(res);
    const file = await exportResults({
      source: deps.results,
      request,
      ...(tenantId === undefined ? {} : { tenantId }),
    });
    const name = `kubegrade-results-${request.assessment ?? 'all'}.${file.fileExtension}`;
    res.status(200).type(file.contentType);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${name.replace(/[^\w.-]/gu, '_')}"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(file.stream, res);
    } catch (error) {
      // Headers are gone: the only honest signal left is a connection closed mid-file.
      if (!res.writableEnded) res.destroy(error as Error);
    }
  });
  return router;
}
