import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may hold secrets anywhere kubegrade logs an object. Redaction is configured here,
 * once, so that no call site has to remember it.
 */
export const redactedPaths = [
  'cluster',
  '*.cluster',
  'kubeconfig',
  '*.kubeconfig',
  'token',
  '*.token',
  'password',
  '*.password',
  'clusterSecret',
  '*.clusterSecret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
];

export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  });
}
