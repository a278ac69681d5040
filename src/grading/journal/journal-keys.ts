import type { KubeObject } from '../cluster-reader.js';

/** A stable name for a read: its method and arguments (never a signal or a credential). */
export function callKey(method: string, args: Record<string, unknown>): string {
  const fields = Object.keys(args)
    .filter((field) => args[field] !== undefined)
    .sort()
    .map((field) => `${field}=${String(args[field])}`);
  return `${method}:${fields.join(',')}`;
}

/** Log text kept in the journal: enough for any rubric pattern, bounded for the database. */
export const maxRecordedLogBytes = 64 * 1024;

/** Objects as recorded: without managedFields, which is bulk no check reads. */
export function slimObject(object: KubeObject): KubeObject {
  const metadata = object.metadata;
  if (metadata === undefined || !('managedFields' in metadata)) return object;
  const { managedFields: _managedFields, ...rest } = metadata;
  return { ...object, metadata: rest };
}

export function slimResult(result: unknown): unknown {
  if (result === undefined) return null;
  if (typeof result === 'string') return result.slice(0, maxRecordedLogBytes);
  if (Array.isArray(result)) return result.map((item) => slimObject(item as KubeObject));
  if (isObjectList(result)) return { ...result, items: result.items.map(slimObject) };
  if (typeof result === 'object' && result !== null) return slimObject(result as KubeObject);
  return result;
}

function isObjectList(value: unknown): value is { items: KubeObject[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { items?: unknown }).items)
  );
}
