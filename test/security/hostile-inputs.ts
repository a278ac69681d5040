/**
 * Builders of hostile inputs for the adversarial corpus. Every credential they put in an input
 * is a unique marker, remembered in `plantedSecrets`, so that tests can prove none leaked.
 */
import { randomBytes } from 'node:crypto';
import { dump } from 'js-yaml';

const runId = randomBytes(6).toString('hex');
const planted: string[] = [];

/** A unique secret-looking value, remembered so the tests can prove it never leaked. */
export function plant(label: string): string {
  const marker = `kgsecret${label.replace(/[^a-z0-9]/gi, '')}${runId}`;
  planted.push(marker);
  return marker;
}

/** Every secret planted so far: complete once the corpus module has been loaded. */
export const plantedSecrets: readonly string[] = planted;

/**
 * An otherwise valid kubeconfig: one context, an https server and a token. The server is a
 * closed loopback port, so that nothing listens if a refusal were ever missed.
 */
export function kubeconfig(
  parts: {
    server?: string;
    cluster?: Record<string, unknown>;
    user?: Record<string, unknown>;
    context?: Record<string, unknown>;
    currentContext?: string | null;
  } = {},
): string {
  const token = plant('token');
  const document: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'k', cluster: { server: parts.server ?? 'https://127.0.0.1:9', ...parts.cluster } },
    ],
    users: [{ name: 'u', user: parts.user ?? { token } }],
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u', ...parts.context } }],
    ...(parts.currentContext === null ? {} : { 'current-context': parts.currentContext ?? 'c' }),
  };
  return dump(document);
}

/** A kubeconfig whose only fault is where its server is. */
export const atServer = (server: string) => kubeconfig({ server });

/** `*-data` as kubectl writes it (base64 of PEM); the value itself is what must not leak. */
export function pemBase64(label: string, body: string): string {
  const pem = `-----BEGIN ${label}-----\n${Buffer.from(body).toString('base64')}\n-----END ${label}-----\n`;
  const data = Buffer.from(pem).toString('base64');
  planted.push(data);
  return data;
}

/** 9 levels of 9 aliases: a few hundred bytes that expand to 9^9 strings. */
export function billionLaughs(firstLine: string): string {
  const lines = [firstLine, 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 9; level += 1) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(9).fill(previous).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** `depth` mappings, each inside the one before. */
export function nestedMapping(depth: number, leaf: string): string {
  return `${Array.from({ length: depth }, (_, level) => `${'  '.repeat(level)}k${level}:`).join('\n')} ${leaf}\n`;
}
