import { z } from 'zod';
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
