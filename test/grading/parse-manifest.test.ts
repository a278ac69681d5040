import { AppError } from '../../src/errors/app-error.js';
import { parseManifest } from '../../src/grading/manifest/parse-manifest.js';

function refusal(text: string, limits?: Parameters<typeof parseManifest>[1]): AppError {
  try {
    parseManifest(text, limits);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the manifest to be refused');
}

/** Nine anchors, each a list of nine aliases to the previous one: 9^9 strings once expanded. */
function billionLaughs(): string {
  const names = 'abcdefghi';
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let level = 1; level < names.length; level += 1) {
    const previous = `*${names[level - 1]}`;
    text += `${names[level]}: &${names[level]} [${Array(9).fill(previous).join(',')}]\n`;
  }
  return text;
}

describe('parseManifest', () => {
  it('returns every non-empty document in order', () => {
    const text = '---\n# only a comment\n---\nkind: ConfigMap\n---\nkind: Pod\nspec: {}\n---\n';
    expect(parseManifest(text).documents).toEqual([
      { kind: 'ConfigMap' },
      { kind: 'Pod', spec: {} },
    ]);
  });

  it('keeps numbers and quoted numbers apart', () => {
    const [document] = parseManifest('a: 80\nb: "80"\nc: 0x50\n').documents;
    expect(document).toEqual({ a: 80, b: '80', c: 80 });
  });

  it('parses a top-level document that is not a mapping, leaving it to the checks', () => {
    expect(parseManifest('just a string').documents).toEqual(['just a string']);
  });

  it('reports invalid YAML with a 1-based line and column', () => {
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n   labels: [oops\n';
    const error = refusal(broken);
    expect(error.code).toBe('MANIFEST_INVALID_YAML');
    expect(error.details).toEqual({
      line: 5,
      column: expect.any(Number),
      reason: expect.any(String),
    });
    expect(error.message).toContain('line 5');
  });

  it('reports a duplicated key as invalid YAML at its line', () => {
    const error = refusal('kind: Pod\nmetadata:\n  name: a\n  name: b\n');
    expect(error.code).toBe('MANIFEST_INVALID_YAML');
    expect(error.details.line).toBe(4);
  });

  it('refuses tags that would build anything but plain data', () => {
    for (const text of [
      'x: !!js/function "function () {}"',
      'x: !!js/regexp /a/',
      'x: !custom 1',
      'x: !!binary aGVsbG8=',
    ]) {
      expect(refusal(text).code).toBe('MANIFEST_INVALID_YAML');
    }
  });

  it('refuses text over the size limit before parsing it', () => {
    const error = refusal(`a: "${'x'.repeat(64 * 1024)}"`);
    expect(error.code).toBe('MANIFEST_TOO_LARGE');
    expect(error.details).toEqual(expect.objectContaining({ maxBytes: 64 * 1024 }));
    expect(refusal('a: 1234', { maxBytes: 4 }).code).toBe('MANIFEST_TOO_LARGE');
  });

  it('counts bytes, not characters, against the size limit', () => {
    expect(refusal('a: éééé', { maxBytes: 8 }).code).toBe('MANIFEST_TOO_LARGE');
  });

  it('refuses too many documents', () => {
    const text = Array.from({ length: 21 }, (_, index) => `n: ${index}`).join('\n---\n');
    const error = refusal(text);
    expect(error.code).toBe('MANIFEST_TOO_COMPLEX');
    expect(error.details).toEqual(expect.objectContaining({ documents: 21, maxDocuments: 20 }));
    expect(
      parseManifest(Array.from({ length: 20 }, (_, index) => `n: ${index}`).join('\n---\n'))
        .documents,
    ).toHaveLength(20);
  });

  it('refuses nesting deeper than the limit as too complex, not as a typo', () => {
    const deep = `a: ${'['.repeat(60)}${']'.repeat(60)}`;
    expect(refusal(deep).code).toBe('MANIFEST_TOO_COMPLEX');
    const veryDeep = `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(refusal(veryDeep).code).toBe('MANIFEST_TOO_COMPLEX');
    expect(() => parseManifest(`a: ${'['.repeat(40)}${']'.repeat(40)}`)).not.toThrow();
  });

  it('refuses a billion-laughs document quickly', () => {
    const started = performance.now();
    const error = refusal(billionLaughs());
    expect(performance.now() - started).toBeLessThan(200);
    expect(error.code).toBe('MANIFEST_TOO_COMPLEX');
  });

  it('refuses expansion even when few aliases are used', () => {
    // 10 aliases, each to a list of 3000 values: 30,000 values once expanded.
    const big = `[${Array(3000).fill('1').join(',')}]`;
    const text = `base: &base ${big}\ncopies: [${Array(10).fill('*base').join(', ')}]\n`;
    const error = refusal(text);
    expect(error.code).toBe('MANIFEST_TOO_COMPLEX');
    expect(error.message).toContain('aliases expanded');
  });

  it('refuses many aliases even to small values', () => {
    const text = `x: &x 1\nlist: [${Array(101).fill('*x').join(', ')}]\n`;
    expect(refusal(text).code).toBe('MANIFEST_TOO_COMPLEX');
  });

  it('refuses an alias inside the node it refers to, which would build a cycle', () => {
    for (const text of ['a: &a [*a]\n', 'a: &a { b: *a }\n', 'a: &a\n  b:\n    c: *a\n']) {
      const error = refusal(text);
      expect(error.code).toBe('MANIFEST_TOO_COMPLEX');
      expect(error.message).toContain('cycle');
    }
  });

  it('accepts modest use of anchors and aliases', () => {
    const text = 'labels: &labels { app: web }\nselector: *labels\n';
    expect(parseManifest(text).documents).toEqual([
      { labels: { app: 'web' }, selector: { app: 'web' } },
    ]);
  });

  it('keeps __proto__ and constructor keys as plain data, polluting nothing', () => {
    const text =
      '__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\nmetadata:\n  __proto__: { admin: true }\n';
    const [document] = parseManifest(text).documents as Record<string, Record<string, unknown>>[];
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(Object.hasOwn(document as object, '__proto__')).toBe(true);
    expect(document?.polluted).toBeUndefined();
    expect(document?.metadata?.admin).toBeUndefined();
  });
});
