import type { DocumentSelector } from '../../assessments/format/manifest-check.js';
import { isMapping } from '../matching/match-partial.js';

export type DocumentSelection =
  { found: true; document: unknown; index: number } | { found: false; explanation: string };

/**
 * The first document matching every field of the selector. With none matching and exactly one
 * document submitted, that one (when `fallbackToSingleDocument`): the learner who wrote
 * `kind: Deployment` then loses the kind check, not every check.
 */
export function selectDocument(
  documents: readonly unknown[],
  selector: DocumentSelector,
  fallbackToSingleDocument: boolean,
): DocumentSelection {
  const index = documents.findIndex((document) => matchesSelector(document, selector));
  if (index >= 0) return { found: true, document: documents[index], index };
  if (fallbackToSingleDocument && documents.length === 1)
    return { found: true, document: documents[0], index: 0 };
  return { found: false, explanation: describeAbsence(documents, selector) };
}

function matchesSelector(document: unknown, selector: DocumentSelector): boolean {
  if (!isMapping(document)) return false;
  const metadata = Object.hasOwn(document, 'metadata') ? document.metadata : undefined;
  const name = isMapping(metadata) && Object.hasOwn(metadata, 'name') ? metadata.name : undefined;
  return (
    (selector.kind === undefined || ownField(document, 'kind') === selector.kind) &&
    (selector.apiVersion === undefined ||
      ownField(document, 'apiVersion') === selector.apiVersion) &&
    (selector.name === undefined || name === selector.name)
  );
}

function describeAbsence(documents: readonly unknown[], selector: DocumentSelector): string {
  const wanted = [
    selector.kind && `kind ${JSON.stringify(selector.kind)}`,
    selector.apiVersion && `apiVersion ${JSON.stringify(selector.apiVersion)}`,
    selector.name && `name ${JSON.stringify(selector.name)}`,
  ]
    .filter(Boolean)
    .join(' and ');
  if (documents.length === 0) return 'the manifest has no documents';
  const found = documents.map(summarise).join(', ');
  return `no document in the manifest has ${wanted || 'the expected shape'}; found ${found}`;
}

function summarise(document: unknown): string {
  if (!isMapping(document)) return 'a document that is not a mapping';
  const kind = ownField(document, 'kind');
  const metadata = ownField(document, 'metadata');
  const name = isMapping(metadata) ? ownField(metadata, 'name') : undefined;
  return `${typeof kind === 'string' ? kind : 'a document without kind'}${typeof name === 'string' ? ` ${JSON.stringify(name)}` : ''}`;
}

function ownField(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
