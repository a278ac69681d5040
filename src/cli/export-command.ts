import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ResultsExportReader } from '../db/results-export-reader.js';
import { parseBody } from '../http/parse-body.js';
import { exportResults } from '../results/export-results.js';
import { exportRequestSchema } from '../results/results-filter.js';
import { exportHelp } from './cli-help.js';

const defaultDatabaseUrl = 'postgresql://postgres@127.0.0.1:5432/kubegrade';

/**
 * `kubegrade export`: the export use case of GET /v1/results/export, reading the database named
 * by DATABASE_URL directly (for operators and instructors with database access).
 */
export async function runExportCommand(
  args: string[],
  io: { out: (text: string) => void; stdout?: Writable },
  environment: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      format: { type: 'string' },
      per: { type: 'string' },
      assessment: { type: 'string' },
      course: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (values.help) {
    io.out(exportHelp);
    return 0;
  }
  const { help: _help, output, ...query } = values;
  // Same schema and error code (VALIDATION_FAILED) as the HTTP query string.
  const request = parseBody(exportRequestSchema, query);
  const pool = new pg.Pool({
    connectionString: environment.DATABASE_URL || defaultDatabaseUrl,
    max: 1,
  });
  try {
    const file = await exportResults({ source: new ResultsExportReader(pool), request });
    const target = output === undefined ? (io.stdout ?? process.stdout) : createWriteStream(output);
    await pipeline(file.stream, target, { end: output !== undefined });
    return 0;
  } finally {
    await pool.end();
  }
}
