/**
 * A schema described as facts: key → description, e.g.
 *   `column attempts.status` → `attempt_status NOT NULL DEFAULT 'queued'::attempt_status`.
 * Both schema.prisma and the live database are turned into facts, and the test compares them.
 */
export type SchemaFacts = Map<string, string>;

/** Stands for a default whose exact SQL we do not predict (e.g. dbgenerated("...")). */
export const anyDefault = 'DEFAULT (any)';

/** How PostgreSQL prints an identifier: bare when it can be, double-quoted otherwise. */
export function sqlIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function sameFact(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  if (!expected.endsWith(anyDefault)) return false;
  const withoutDefault = expected.slice(0, -anyDefault.length);
  return (
    actual.startsWith(withoutDefault) && actual.slice(withoutDefault.length).startsWith('DEFAULT ')
  );
}

/** Every disagreement as one readable sentence; empty when the two schemas match. */
export function compareSchemaFacts(fromSchema: SchemaFacts, fromDatabase: SchemaFacts): string[] {
  const problems: string[] = [];
  for (const [key, expected] of fromSchema) {
    const actual = fromDatabase.get(key);
    if (actual === undefined) {
      problems.push(`${key}: in schema.prisma (${expected}) but missing from the database`);
    } else if (!sameFact(expected, actual)) {
      problems.push(`${key}: schema.prisma says "${expected}", the database has "${actual}"`);
    }
  }
  for (const [key, actual] of fromDatabase) {
    if (!fromSchema.has(key)) {
      problems.push(`${key}: in the database (${actual}) but not in schema.prisma`);
    }
  }
  return problems.sort();
}
