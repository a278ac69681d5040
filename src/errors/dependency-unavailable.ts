/**
 * Recognises errors that mean "PostgreSQL or Redis cannot be used right now" (down, restarting,
 * unreachable, out of connections), as opposed to a bug or bad input. Callers answer those with
 * 503 and Retry-After (the API) or try again later (workers), never with a 500.
 *
 * The errors come from several libraries in several shapes: Prisma's known request errors,
 * the pg driver's own errors (which the Prisma adapter passes through unchanged for lost
 * connections), Node's socket errors and ioredis's. They are matched by their documented codes,
 * and by message only where the library gives nothing else.
 */

/** Prisma: cannot reach / timed out / server closed the connection / pool or transaction wait. */
const prismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);

/** PostgreSQL SQLSTATEs: admin shutdown, crash shutdown, cannot connect now, too many clients. */
const postgresCodes = new Set(['57P01', '57P02', '57P03', '53300']);

/** Node socket errors on the way to a dependency. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The Prisma adapter's names for a connection problem (DriverAdapterError's `cause.kind`). */
const adapterKinds = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** Plain Errors thrown by pg, pg-pool and ioredis for a lost or missing connection. */
const messagePatterns = [
  /^Connection terminated/, // pg: the server or the network closed the socket
  /^timeout exceeded when trying to connect/, // pg-pool: no connection within connectTimeoutMs
  /^Client has encountered a connection error and is not queryable/, // pg
  /^Stream isn't writeable and enableOfflineQueue options is false/, // ioredis, producer role
  /^Connection is closed\.?$/, // ioredis
  /^Reached the max retries per request limit/, // ioredis MaxRetriesPerRequestError
];

const errorNames = new Set(['PrismaClientInitializationError', 'MaxRetriesPerRequestError']);

export function isDependencyUnavailable(error: unknown): boolean {
  // Follow `cause` (and Prisma's wrapped adapter error) a few levels, never in a loop.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (matchesDirectly(current)) return true;
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    current = cause ?? meta?.driverAdapterError;
  }
  return false;
}

function matchesDirectly(error: object): boolean {
  const { code, name, message, kind } = error as Record<string, unknown>;
  if (typeof code === 'string') {
    if (prismaCodes.has(code) || postgresCodes.has(code) || socketCodes.has(code)) return true;
    // SQLSTATE class 08: connection exceptions.
    if (/^08[0-9A-Z]{3}$/.test(code) && 'severity' in error) return true;
  }
  if (typeof kind === 'string' && adapterKinds.has(kind)) return true;
  if (typeof name === 'string' && errorNames.has(name)) return true;
  return typeof message === 'string' && messagePatterns.some((pattern) => pattern.test(message));
}
