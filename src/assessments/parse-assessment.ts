import { createHash } from 'node:crypto';
import { constructFromEvents, parseEvents, YAMLException, type Event } from 'js-yaml';
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { computeMaxScore, type Assessment } from './assessment.js';
import type { CheckKinds } from '../grading/checks/check-kind-registry.js';
import { assessmentFile, buildAssessmentFileSchema } from './format/assessment-file.js';
import { formatPath } from './format-path.js';
import { mapYamlSourceLines } from './yaml-source-lines.js';

/** One reason an assessment file was rejected, pointing at the place to fix. */
export interface AssessmentIssue {
  /** Where in the document, e.g. `checks[3].points`; empty for the whole file. */
  path: string;
  /** 1-based line in the file. */
  line: number;
  message: string;
}

export interface ParseAssessmentOptions {
  /** The raw bytes of assessment.yaml: the content hash is taken over exactly these. */
  bytes: Uint8Array;
  /** Shown in errors; the path of the file. */
  file: string;
  /** When given (the folder name), the file's `id` must equal it. */
  expectedId?: string;
  /** Check kinds beyond the built-in ones (a kind under development, a test fixture). */
  checkKinds?: CheckKinds;
}

/** Validates an assessment file; throws `ASSESSMENT_INVALID` with every issue found. */
export function parseAssessment({
  bytes,
  file,
  expectedId,
  checkKinds,
}: ParseAssessmentOptions): Assessment {
  const text = new TextDecoder('utf-8').decode(bytes);
  const events = parseYamlEvents(text, file);
  const lines = mapYamlSourceLines(text, events);
  const documents = constructYaml(text, events, file);
  if (documents.length > 1) {
    throw invalid(file, [
      {
        path: '',
        line: lines.lineOf([]),
        message: 'An assessment file holds a single YAML document',
      },
    ]);
  }

  const schema = checkKinds === undefined ? assessmentFile : buildAssessmentFileSchema(checkKinds);
  const result = schema.safeParse(documents[0] ?? null);
  if (!result.success) {
    throw invalid(
      file,
      result.error.issues.map((issue) => describeIssue(issue, lines.lineOf)),
    );
  }
  if (expectedId !== undefined && result.data.id !== expectedId) {
    throw invalid(file, [
      {
        path: 'id',
        line: lines.lineOf(['id']),
        message: `The id "${result.data.id}" must equal its folder name "${expectedId}"`,
      },
    ]);
  }

  return {
    ...result.data,
    contentHash: createHash('sha256').update(bytes).digest('hex'),
    source: Buffer.from(bytes).toString('utf8'),
    maxScore: computeMaxScore(result.data),
  };
}

function parseYamlEvents(text: string, file: string): Event[] {
  try {
    return parseEvents(text, { filename: file });
  } catch (error) {
    throw yamlSyntaxError(error, file);
  }
}

function constructYaml(text: string, events: Event[], file: string): unknown[] {
  try {
    return constructFromEvents(events, { source: text, filename: file });
  } catch (error) {
    throw yamlSyntaxError(error, file);
  }
}

function yamlSyntaxError(error: unknown, file: string): AppError {
  if (!(error instanceof YAMLException)) throw error;
  const line = (error.mark?.line ?? 0) + 1;
  return invalid(file, [{ path: '', line, message: `Not valid YAML: ${error.reason}` }]);
}

function describeIssue(
  issue: z.core.$ZodIssue,
  lineOf: (path: readonly PropertyKey[]) => number,
): AssessmentIssue {
  const { path, message } = mostSpecific(issue, []);
  return { path: formatPath(path), line: lineOf(path), message };
}

/**
 * Zod reports a value that fits no member of a union once, at the union. The member that got
 * furthest into the value (the longest issue path) is usually what the author meant, and its
 * issue names the exact key to fix, so report that one; on a tie, prefer an issue about what is
 * written over one about what is missing. An unknown key is reported on its parent; point at
 * the key itself, where the typo is.
 */
function mostSpecific(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): SpecificIssue {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    return { path: [...path, issue.keys[0]], message: issue.message, aboutWrittenText: true };
  }
  if (issue.code === 'invalid_key' && issue.issues[0] !== undefined) {
    return { path, message: issue.issues[0].message, aboutWrittenText: true };
  }
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) {
    return {
      path,
      message: issue.message,
      aboutWrittenText: !issue.message.endsWith('received undefined'),
    };
  }
  const candidates = issue.errors.flat().map((nested) => mostSpecific(nested, path));
  return candidates.reduce(
    (best, candidate) => (isMoreSpecific(candidate, best) ? candidate : best),
    {
      path,
      message: issue.message,
      aboutWrittenText: false,
    },
  );
}

interface SpecificIssue {
  path: PropertyKey[];
  message: string;
  aboutWrittenText: boolean;
}

function isMoreSpecific(candidate: SpecificIssue, best: SpecificIssue): boolean {
  if (candidate.path.length !== best.path.length) return candidate.path.length > best.path.length;
  return candidate.aboutWrittenText && !best.aboutWrittenText;
}

function invalid(file: string, issues: AssessmentIssue[]): AppError {
  const listed = issues
    .slice(0, 5)
    .map((issue) => `  line ${issue.line}${issue.path ? ` (${issue.path})` : ''}: ${issue.message}`)
    .join('\n');
  const more = issues.length > 5 ? `\n  ...and ${issues.length - 5} more` : '';
  return new AppError(
    'ASSESSMENT_INVALID',
    `${file} is not a valid assessment:\n${listed}${more}`,
    { file, issues },
  );
}
