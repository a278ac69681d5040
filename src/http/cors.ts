import type { RequestHandler } from 'express';

/**
 * Cross-origin access for browser clients, off unless origins are configured. Only exact
 * origins are allowed (no wildcard, no credentials): the API is called with an API key in a
 * header, so a browser needs CORS only for a known front end, never for any site on the web.
 */

/** What the API's routes accept; a preflight asking for anything else still gets this list. */
const allowedMethods = 'GET, POST';
const allowedRequestHeaders = 'Authorization, Content-Type, Idempotency-Key, X-Api-Key';
/** A 202 answers with the new attempt's Location; browsers hide it unless it is exposed. */
const exposedResponseHeaders = 'Location';
const preflightMaxAgeSeconds = 600;

/**
 * Reads `CORS_ORIGINS`: comma-separated origins, each exactly `scheme://host[:port]`. Throws a
 * plain Error naming the first bad entry; configuration code wraps it with the variable's name.
 */
export function parseCorsOrigins(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const entry of entries) {
    if (entry === '*' || entry === 'null') {
      throw new Error(`"${entry}" is not allowed; list each origin that may call the API`);
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    // Browsers send the serialised origin; an entry written any other way would never match.
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== entry) {
      throw new Error(`"${entry}" is not an origin (scheme://host[:port], lower case, no path)`);
    }
  }
  return [...new Set(entries)];
}

/**
 * Adds CORS headers for the allowed origins only, and answers their preflight requests. A
 * request from any other origin passes through untouched: no CORS header, so the browser keeps
 * the response from the calling page.
 */
export function createCorsMiddleware(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    // The answer depends on the Origin header: caches must not hand one origin's answer to another.
    res.vary('Origin');
    const origin = req.get('Origin');
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.set('Access-Control-Allow-Origin', origin);
    const isPreflight =
      req.method === 'OPTIONS' && req.get('Access-Control-Request-Method') !== undefined;
    if (!isPreflight) {
      res.set('Access-Control-Expose-Headers', exposedResponseHeaders);
      next();
      return;
    }
    res
      .set({
        'Access-Control-Allow-Methods': allowedMethods,
        'Access-Control-Allow-Headers': allowedRequestHeaders,
        'Access-Control-Max-Age': String(preflightMaxAgeSeconds),
      })
      .status(204)
      .end();
  };
}
