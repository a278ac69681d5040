import { MigrationError } from './migration-error.js';

/**
 * Reading and rewriting PostgreSQL connection URLs. Parse failures are rethrown without the
 * original error, because Node's URL error carries the whole input, password included.
 */

function parseDatabaseUrl(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new MigrationError('DATABASE_URL_INVALID', 'The database URL is not a valid URL');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new MigrationError(
      'DATABASE_URL_INVALID',
      'The database URL must start with postgresql://',
    );
  }
  return url;
}

/** The database a URL points at (`kubegrade` in `postgresql://host/kubegrade`). */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(parseDatabaseUrl(databaseUrl).pathname.replace(/^\//, ''));
  if (name === '') {
    throw new MigrationError('DATABASE_URL_INVALID', 'The database URL does not name a database');
  }
  return name;
}

/** The same server and credentials, another database (e.g. the `postgres` maintenance database). */
export function withDatabaseName(databaseUrl: string, databaseName: string): string {
  const url = parseDatabaseUrl(databaseUrl);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/** `host:port/database`: enough to tell which database a log line is about, never a secret. */
export function describeDatabaseUrl(databaseUrl: string): string {
  const url = parseDatabaseUrl(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}/${databaseNameOf(databaseUrl)}`;
}

/** The password in a URL, so that a caller can scrub it from text it did not write itself. */
export function passwordOf(databaseUrl: string): string {
  return decodeURIComponent(parseDatabaseUrl(databaseUrl).password);
}

/**
 * The migrator writes into the connection's default schema (`public`). Prisma URLs may name
 * another one with `?schema=`; refusing it is better than silently migrating the wrong schema.
 */
export function assertDefaultSchema(databaseUrl: string): void {
  const schema = parseDatabaseUrl(databaseUrl).searchParams.get('schema');
  if (schema !== null && schema !== 'public') {
    throw new MigrationError(
      'DATABASE_URL_INVALID',
      `The database URL asks for schema "${schema}"; the migrator only supports "public"`,
    );
  }
}
