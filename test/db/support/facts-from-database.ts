import type pg from 'pg';
import { z } from 'zod';
import type { SchemaFacts } from './schema-facts.js';

/**
 * What a live database actually contains in its `public` schema, read from pg_catalog, as the
 * same kind of facts factsFromDatamodel produces. Prisma's own bookkeeping table is left out.
 */

const ignoredTables = ['_prisma_migrations'];

const enumRow = z.object({ name: z.string(), values: z.array(z.string()) });
const tableRow = z.object({ name: z.string() });
const columnRow = z.object({
  table: z.string(),
  column: z.string(),
  type: z.string(),
  not_null: z.boolean(),
  default_sql: z.string().nullable(),
});
const indexRow = z.object({
  name: z.string(),
  table: z.string(),
  is_primary: z.boolean(),
  is_unique: z.boolean(),
  method: z.string(),
  columns: z.array(z.string()),
  predicate: z.string().nullable(),
});
const constraintRow = z.object({
  name: z.string(),
  table: z.string(),
  kind: z.string(),
  columns: z.array(z.string()),
  referenced_table: z.string().nullable(),
  referenced_columns: z.array(z.string()).nullable(),
  on_delete: z.string(),
  on_update: z.string(),
  definition: z.string(),
});

const enumsSql = `
  SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_enum e ON e.enumtypid = t.oid
   WHERE n.nspname = 'public'
   GROUP BY t.typname`;

const tablesSql = `
  SELECT c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL($1)`;

const columnsSql = `
  SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_sql
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> ALL($1)
     AND a.attnum > 0 AND NOT a.attisdropped`;

// Index columns in index order, each with DESC when the index sorts it descending (indoption bit 0).
const indexesSql = `
  SELECT i.relname AS name, t.relname AS table, x.indisprimary AS is_primary,
         x.indisunique AS is_unique, am.amname AS method,
         pg_get_expr(x.indpred, x.indrelid) AS predicate,
         ARRAY(
           SELECT coalesce(a.attname::text, '(expression)') ||
                  CASE WHEN (x.indoption[k.pos - 1] & 1) = 1 THEN ' DESC' ELSE '' END
             FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, pos)
             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
            ORDER BY k.pos
         ) AS columns
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_am am ON am.oid = i.relam
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE n.nspname = 'public' AND t.relname <> ALL($1)`;

// Every constraint except primary keys and unique ones, which the index query already covers.
const constraintsSql = `
  SELECT con.conname AS name, t.relname AS table, con.contype::text AS kind,
         ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, pos)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                ORDER BY k.pos) AS columns,
         rt.relname AS referenced_table,
         CASE WHEN con.confrelid = 0 THEN NULL ELSE
           ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, pos)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.pos) END AS referenced_columns,
         con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
         pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con
    JOIN pg_class t ON t.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_class rt ON rt.oid = con.confrelid
   WHERE n.nspname = 'public' AND con.contype NOT IN ('p', 'u') AND t.relname <> ALL($1)`;

const actionNames: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

export async function factsFromDatabase(client: pg.ClientBase): Promise<SchemaFacts> {
  const facts: SchemaFacts = new Map();
  const query = async <T>(sql: string, row: z.ZodType<T>, params: unknown[] = []): Promise<T[]> =>
    (await client.query(sql, params)).rows.map((r) => row.parse(r));

  for (const e of await query(enumsSql, enumRow)) {
    facts.set(`enum ${e.name}`, `(${e.values.join(', ')})`);
  }
  for (const t of await query(tablesSql, tableRow, [ignoredTables])) {
    facts.set(`table ${t.name}`, 'exists');
  }
  for (const c of await query(columnsSql, columnRow, [ignoredTables])) {
    const parts = [
      c.type,
      c.not_null ? 'NOT NULL' : 'NULL',
      c.default_sql === null ? '' : `DEFAULT ${c.default_sql}`,
    ];
    facts.set(`column ${c.table}.${c.column}`, parts.filter(Boolean).join(' '));
  }
  for (const i of await query(indexesSql, indexRow, [ignoredTables])) {
    const listed = `(${i.columns.join(', ')})`;
    const extras = `${i.method === 'btree' ? '' : ` USING ${i.method}`}${i.predicate ? ` WHERE ${i.predicate}` : ''}`;
    if (i.is_primary) facts.set(`primary key of ${i.table}`, `${i.name} ${listed}${extras}`);
    else if (i.is_unique) facts.set(`unique index ${i.name}`, `on ${i.table} ${listed}${extras}`);
    else facts.set(`index ${i.name}`, `on ${i.table} ${listed}${extras}`);
  }
  for (const con of await query(constraintsSql, constraintRow, [ignoredTables])) {
    if (con.kind === 'f') {
      facts.set(
        `foreign key ${con.name}`,
        `${con.table} (${con.columns.join(', ')}) -> ${con.referenced_table} (${(con.referenced_columns ?? []).join(', ')}) ` +
          `ON DELETE ${actionNames[con.on_delete]} ON UPDATE ${actionNames[con.on_update]}`,
      );
    } else {
      facts.set(`constraint ${con.name}`, `on ${con.table}: ${con.definition}`);
    }
  }
  return facts;
}
