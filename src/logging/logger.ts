import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys whose value is a secret (or holds one) wherever they appear in a logged object. */
const secretKeys = [
  'cluster',
  'kubeconfig',
  'token',
  'password',
  'clusterSecret',
  'credentials',
  'keyPem',
  'authorization',
  // A whole API key (the public prefix, logged as keyPrefix, is not a secret).
  'apiKey',
  'key',
  '["client-key-data"]',
  '["client-certificate-data"]',
];

/** Header names that carry credentials, in any logged `headers` object. */
const secretHeaders = [
  'authorization',
  'cookie',
  '["set-cookie"]',
  '["x-api-key"]',
  '["proxy-authorization"]',
];

/**
 * Paths that may hold secrets anywhere kubegrade logs an object. Redaction is configured here,
 * once, so that no call site has to remember it. Pino matches paths exactly (a wildcard is one
 * level), so each key is listed at the top level and up to two levels down: deep enough for the
 * shapes that are logged (`{ attempt: { cluster } }`, `{ job: { data: { cluster } } }`).
 */
export const redactedPaths = [
  ...secretKeys.flatMap((key) => {
    const member = key.startsWith('[') ? key : `.${key}`;
    return [key, `*${member}`, `*.*${member}`];
  }),
  ...secretHeaders.flatMap((header) => {
    const member = header.startsWith('[') ? header : `.${header}`;
    return [`headers${member}`, `*.headers${member}`, `*.*.headers${member}`];
  }),
];

export interface CreateLoggerOptions {
  level: string;
  name: string;
  /** Where lines go; standard output when absent. Tests pass a stream that keeps them. */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
