import { constructFromEvents, CORE_SCHEMA, parseEvents, YAMLException, type Event } from 'js-yaml';
import { AppError } from '../../errors/app-error.js';
import { defaultManifestLimits, type ManifestLimits } from './manifest-limits.js';
import { measureYamlSize } from './measure-yaml-size.js';

export interface ParsedManifest {
  /** Every non-empty document, in order. Not necessarily mappings: checks report that. */
  documents: unknown[];
}

/**
 * Parses the learner's manifest text, safely: plain YAML 1.2 core types only (no custom tags),
 * bounded in size, documents, depth and alias expansion. Pure and fast, so the API can call it
 * at submit time and answer with the line of a mistake.
 *
 * Throws AppError `MANIFEST_INVALID_YAML` (details: line and column, 1-based, and reason),
 * `MANIFEST_TOO_LARGE` or `MANIFEST_TOO_COMPLEX`.
 */
export function parseManifest(text: string, limits: Partial<ManifestLimits> = {}): ParsedManifest {
  const bounds = { ...defaultManifestLimits, ...limits };

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > bounds.maxBytes) {
    throw new AppError(
      'MANIFEST_TOO_LARGE',
      `The manifest is ${bytes} bytes; the limit is ${bounds.maxBytes}.`,
      {
        bytes,
        maxBytes: bounds.maxBytes,
      },
    );
  }

  const events = readEvents(text, bounds);
  refuseOversizedStructure(text, events, bounds);
  const documents = construct(text, events);
  // `---` followed by nothing, or a document holding only comments, is not something to grade.
  return { documents: documents.filter((document) => document !== null && document !== undefined) };
}

function readEvents(text: string, bounds: ManifestLimits): Event[] {
  try {
    return parseEvents(text, { maxDepth: bounds.maxDepth });
  } catch (error) {
    // js-yaml stops at maxDepth itself (before recursing deeper); that is complexity, not a typo.
    if (error instanceof YAMLException && error.reason.startsWith('nesting exceeded maxDepth')) {
      throw tooComplex(`The manifest nests deeper than ${bounds.maxDepth} levels.`, {
        maxDepth: bounds.maxDepth,
      });
    }
    throw invalidYaml(error);
  }
}

function refuseOversizedStructure(
  text: string,
  events: readonly Event[],
  bounds: ManifestLimits,
): void {
  const size = measureYamlSize(text, events);
  if (size.documents > bounds.maxDocuments) {
    throw tooComplex(
      `The manifest has ${size.documents} documents; the limit is ${bounds.maxDocuments}.`,
      {
        documents: size.documents,
        maxDocuments: bounds.maxDocuments,
      },
    );
  }
  if (size.aliases > bounds.maxAliases) {
    throw tooComplex(
      `The manifest uses ${size.aliases} aliases (*name); the limit is ${bounds.maxAliases}.`,
      {
        aliases: size.aliases,
        maxAliases: bounds.maxAliases,
      },
    );
  }
  if (size.recursiveAliases > 0) {
    throw tooComplex('The manifest contains an alias inside the node it refers to (a cycle).', {
      recursiveAliases: size.recursiveAliases,
    });
  }
  if (size.expandedNodes > bounds.maxNodes) {
    throw tooComplex(
      `With its aliases expanded the manifest has more than ${bounds.maxNodes} values.`,
      {
        maxNodes: bounds.maxNodes,
      },
    );
  }
}

function construct(text: string, events: Event[]): unknown[] {
  try {
    // The core schema: strings, numbers, booleans, null, lists and mappings; no custom tags.
    return constructFromEvents(events, { source: text, schema: CORE_SCHEMA });
  } catch (error) {
    throw invalidYaml(error);
  }
}

function invalidYaml(error: unknown): AppError {
  if (!(error instanceof YAMLException)) throw error;
  const line = error.mark ? error.mark.line + 1 : undefined;
  const column = error.mark ? error.mark.column + 1 : undefined;
  const where = line === undefined ? '' : ` at line ${line}, column ${column}`;
  return new AppError(
    'MANIFEST_INVALID_YAML',
    `The manifest is not valid YAML${where}: ${error.reason}.`,
    {
      line: line ?? null,
      column: column ?? null,
      reason: error.reason,
    },
  );
}

function tooComplex(message: string, details: Record<string, unknown>): AppError {
  return new AppError('MANIFEST_TOO_COMPLEX', message, details);
}
