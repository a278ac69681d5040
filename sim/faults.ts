/**
 * Fault injection per route. A rule matches a method and a path pattern and, while it has
 * `times` left (or forever without it), makes the matching requests slow, fail with a Status
 * (429 with Retry-After, 500, 503), lose their connection, or end a watch early.
 */
import { randomUUID } from 'node:crypto';

export type FaultKind = 'latency' | 'status' | 'drop' | 'watch-close-early';

export interface FaultRuleInput {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /**
   * Path pattern: `*` matches within one path segment, `**` across segments
   * (e.g. `/api/v1/namespaces/* /pods/**` without the space). A RegExp is accepted in-process.
   */
  path: string | RegExp;
  /** Only watch requests (or only non-watch requests when false). */
  watch?: boolean;
  kind: FaultKind;
  /** latency: added delay before the request is handled. */
  latencyMs?: number;
  /** status: 429, 500 or 503. */
  status?: 429 | 500 | 503;
  /** status 429: the Retry-After header and details.retryAfterSeconds (default 1). */
  retryAfterSeconds?: number;
  /** watch-close-early: end the stream after this many wall-clock ms (default 0). */
  afterMs?: number;
  /** How many matching requests the rule applies to; unlimited when omitted. */
  times?: number;
  /** The share of matching requests it applies to (0-1, default 1): soaks fault 20% of calls. */
  probability?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Requests this rule has affected so far. */
  hits: number;
}

function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (ch === '*') {
      source += '[^/]*';
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

export function validateFaultRule(rule: FaultRuleInput): void {
  if (!['latency', 'status', 'drop', 'watch-close-early'].includes(rule.kind))
    throw new Error(`unknown fault kind ${String(rule.kind)}`);
  if (rule.kind === 'status' && ![429, 500, 503].includes(rule.status ?? 0))
    throw new Error('a status fault needs status 429, 500 or 503');
  if (rule.kind === 'latency' && !(typeof rule.latencyMs === 'number' && rule.latencyMs >= 0))
    throw new Error('a latency fault needs latencyMs >= 0');
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0))
    throw new Error('times must be a positive integer');
  if (
    rule.probability !== undefined &&
    !(typeof rule.probability === 'number' && rule.probability >= 0 && rule.probability <= 1)
  )
    throw new Error('probability must be a number from 0 to 1');
  if (typeof rule.path !== 'string' && !(rule.path instanceof RegExp))
    throw new Error('path must be a string pattern');
}

export class FaultInjector {
  private rules: Array<FaultRule & { regexp: RegExp }> = [];

  add(input: FaultRuleInput): FaultRule {
    validateFaultRule(input);
    const regexp = typeof input.path === 'string' ? patternToRegExp(input.path) : input.path;
    const rule = { ...input, id: randomUUID(), hits: 0, regexp };
    this.rules.push(rule);
    return this.describe(rule);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.describe(r));
  }

  /** Removes one rule, or all of them without an id. Returns how many were removed. */
  clear(id?: string): number {
    const before = this.rules.length;
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
    return before - this.rules.length;
  }

  /** The faults that apply to this request, consuming one use of each. */
  take(request: { method: string; path: string; watch: boolean }): FaultRule[] {
    const hits: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== request.method.toUpperCase()) continue;
      if (rule.watch !== undefined && rule.watch !== request.watch) continue;
      if (!rule.regexp.test(request.path)) continue;
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      rule.hits++;
      hits.push(this.describe(rule));
    }
    return hits;
  }

  private describe(rule: FaultRule & { regexp: RegExp }): FaultRule {
    const copy: FaultRule & { regexp?: RegExp } = { ...rule };
    delete copy.regexp;
    if (copy.path instanceof RegExp) copy.path = copy.path.source;
    return copy;
  }
}
