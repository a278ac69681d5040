import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key is `kg_<prefix>_<secret>`: the prefix (12 hex characters, random) is public and is
 * how a request's key is found in the database; the secret is 32 random bytes (256 bits).
 *
 * Keys are stored as their SHA-256, not with a slow password hash (bcrypt, scrypt, argon2): a slow
 * hash exists to make guessing low-entropy human passwords expensive, but nobody can enumerate a
 * 256-bit random secret whatever the hash costs. A fast hash keeps a database leak harmless while
 * costing microseconds per request, where a slow one would cost tens of milliseconds of CPU on
 * every call and hand anyone with a stream of bogus keys a cheap way to exhaust the API's CPU.
 */

const keyPattern = /^kg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  /** The whole key: shown once, never stored. */
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const key = `kg_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The prefix of a well-formed key, or undefined for anything that cannot be a key. */
export function apiKeyPrefix(key: string): string | undefined {
  return keyPattern.exec(key)?.[1];
}

/** Compares hashes in constant time, so response timing tells nothing about a stored hash. */
export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
