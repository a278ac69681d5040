import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ExportColumns, ExportedAttempt, ExportedLearner } from './exported-attempt.js';
import { filterOf, type ExportRequest, type ResultsFilter } from './results-filter.js';
import { attemptHeader, attemptRecord, learnerHeader, learnerRecord } from './export-columns.js';

/** Where an export reads from (src/db/results-export-reader.ts). */
export interface ResultsSource {
  columns(filter: ResultsFilter): Promise<ExportColumns>;
  attempts(filter: ResultsFilter): AsyncIterable<ExportedAttempt[]>;
  learnerAttempts(filter: ResultsFilter): AsyncIterable<ExportedAttempt[][]>;
}

export interface ExportResultsOptions {
  source: ResultsSource;
  request: ExportRequest;
  /** The caller's tenant: an API key only ever exports its own tenant's results. */
  tenantId?: string;
}

export interface ResultsExport {
  contentType: string;
  fileExtension: 'csv' | 'jsonl';
  /** Pull-driven: the next batch is read from PostgreSQL only when the consumer wants more. */
  stream: Readable;
}

/**
 * Streams stored results as CSV (RFC 4180 by csv-stringify, one header row, a column per check
 * and per quiz question) or JSON Lines, one row per attempt or per learner (best and latest
 * attempt). Used by GET /v1/results/export and `kubegrade export`.
 */
export async function exportResults(options: ExportResultsOptions): Promise<ResultsExport> {
  const { request, source } = options;
  const filter = filterOf(request, options.tenantId);
  const objects = Readable.from(
    request.per === 'learner' ? learners(source, filter) : attempts(source, filter),
    { objectMode: true, highWaterMark: 64 },
  );
  if (request.format === 'jsonl') {
    return {
      contentType: 'application/x-ndjson; charset=utf-8',
      fileExtension: 'jsonl',
      stream: objects.map(
        (item: ExportedAttempt | ExportedLearner) => `${JSON.stringify(item)}\n`,
        {
          concurrency: 1,
        },
      ),
    };
  }
  const columns = await source.columns(filter);
  const csv = stringify({
    header: true,
    columns: request.per === 'learner' ? learnerHeader(columns) : attemptHeader(columns),
    record_delimiter: 'windows',
    cast: { boolean: (value) => String(value), date: (value) => value.toISOString() },
  });
  const records = objects.map(
    (item: ExportedAttempt | ExportedLearner) =>
      request.per === 'learner'
        ? learnerRecord(item as ExportedLearner, columns)
        : attemptRecord(item as ExportedAttempt, columns),
    { concurrency: 1 },
  );
  records.on('error', (error) => csv.destroy(error));
  return {
    contentType: 'text/csv; charset=utf-8',
    fileExtension: 'csv',
    stream: records.pipe(csv),
  };
}

async function* attempts(
  source: ResultsSource,
  filter: ResultsFilter,
): AsyncGenerator<ExportedAttempt> {
  for await (const batch of source.attempts(filter)) yield* batch;
}

async function* learners(
  source: ResultsSource,
  filter: ResultsFilter,
): AsyncGenerator<ExportedLearner> {
  for await (const batch of source.learnerAttempts(filter)) {
    for (const group of batch) yield summariseLearner(group);
  }
}

/** Best: the highest graded score, the earliest on a tie. Latest: the last one received. */
export function summariseLearner(group: readonly ExportedAttempt[]): ExportedLearner {
  const latest = group[group.length - 1] as ExportedAttempt;
  let best: ExportedAttempt | null = null;
  for (const attempt of group) {
    if (attempt.status !== 'graded' || attempt.score === null) continue;
    if (best === null || attempt.score > (best.score ?? -1)) best = attempt;
  }
  return {
    learnerId: latest.learnerId,
    assessmentId: latest.assessmentId,
    courseId: latest.courseId,
    attempts: group.length,
    best,
    latest,
  };
}
