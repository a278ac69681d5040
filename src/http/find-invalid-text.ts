/**
 * Text that PostgreSQL cannot store or that is not Unicode: NUL (U+0000), which `text` and
 * `jsonb` refuse, and UTF-16 surrogates without their pair (JSON can spell them as `\ud800`).
 * Such a body is refused at the edge with its path, instead of failing deep in a write.
 */
export interface InvalidText {
  /** Where it is, as `cluster.kubeconfig` or `answers.<key>` (a key's own path for a bad key). */
  path: string;
  reason: 'NUL_CHARACTER' | 'LONE_SURROGATE';
  /** True when the bad text is a property name rather than a value. */
  inKey: boolean;
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function judge(text: string): InvalidText['reason'] | undefined {
  if (text.includes('\u0000')) return 'NUL_CHARACTER';
  if (loneSurrogate.test(text)) return 'LONE_SURROGATE';
  return undefined;
}

/** A path segment safe to echo back: bounded, and the bad characters themselves become U+FFFD. */
function printable(segment: string): string {
  const bounded = segment.length > 100 ? `${segment.slice(0, 100)}...` : segment;
  return bounded.replaceAll('\u0000', '\ufffd').replace(new RegExp(loneSurrogate, 'g'), '\ufffd');
}

/** The first invalid text in a parsed JSON value (keys included), depth first, or undefined. */
export function findInvalidText(value: unknown, path: string[] = []): InvalidText | undefined {
  const at = (segments: string[]) => segments.map(printable).join('.');
  if (typeof value === 'string') {
    const reason = judge(value);
    return reason === undefined ? undefined : { path: at(path), reason, inKey: false };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInvalidText(item, [...path, String(index)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const reason = judge(key);
      if (reason !== undefined) return { path: at([...path, key]), reason, inKey: true };
      const found = findInvalidText(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
