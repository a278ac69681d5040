import { z } from 'zod';
import { checkBaseShape } from './check-base.js';
import { expectedObject } from './expected-value.js';
import { nonEmptyText } from './identifiers.js';

/** Picks the submitted document a check looks at; every field given must match. */
export const documentSelector = z.strictObject({
  kind: nonEmptyText.optional(),
  apiVersion: nonEmptyText.optional(),
  name: nonEmptyText.optional(),
});
export type DocumentSelector = z.infer<typeof documentSelector>;

/**
 * For lists whose elements are identified by a field (containers by `name`), the field name.
 * Keyed by the list's own field name, e.g. `{ ports: name }` to match ports by their name.
 */
export const listKeyOverrides = z.record(nonEmptyText, nonEmptyText);

/** A partial match on one document of the learner's manifest. */
export const manifestCheck = z.strictObject({
  ...checkBaseShape,
  kind: z.literal('manifest'),
  select: documentSelector.default({}),
  /**
   * When no document matches `select` but the manifest has exactly one document, judge that one,
   * so a single mistake (say `kind: Deployment`) costs only the check about it.
   */
  fallbackToSingleDocument: z.boolean().default(true),
  expect: expectedObject,
  listKeys: listKeyOverrides.optional(),
});
export type ManifestCheck = z.infer<typeof manifestCheck>;
