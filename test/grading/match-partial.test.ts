import { describeMismatch } from '../../src/grading/matching/describe-mismatch.js';
import {
  matchPartial,
  type MatchPartialOptions,
} from '../../src/grading/matching/match-partial.js';

function explain(options: MatchPartialOptions): string[] {
  return matchPartial(options).map(describeMismatch);
}

const pod = {
  kind: 'Pod',
  metadata: { name: 'my-pod', labels: { app: 'web', tier: 'frontend' } },
  spec: {
    containers: [
      { name: 'sidecar', image: 'busybox', ports: [{ containerPort: 9000 }] },
      {
        name: 'web',
        image: 'nginx:1.28',
        ports: [
          { containerPort: 443, name: 'https' },
          { containerPort: 80, name: 'http' },
        ],
        args: ['-g', 'daemon off;'],
      },
    ],
  },
};

describe('matchPartial', () => {
  it('ignores fields the expectation does not mention', () => {
    expect(
      matchPartial({ expected: { metadata: { labels: { app: 'web' } } }, actual: pod }),
    ).toEqual([]);
  });

  it('matches scalars strictly, by type and value', () => {
    expect(matchPartial({ expected: { a: 80 }, actual: { a: 80 } })).toEqual([]);
    expect(matchPartial({ expected: { a: 80 }, actual: { a: 8080 } })[0]?.mode).toBe('wrong-value');
    expect(matchPartial({ expected: { a: 80 }, actual: { a: '80' } })[0]?.mode).toBe('wrong-type');
    expect(matchPartial({ expected: { a: true }, actual: { a: 'true' } })[0]?.mode).toBe(
      'wrong-type',
    );
    expect(matchPartial({ expected: { a: 'web' }, actual: { a: 'Web' } })[0]?.mode).toBe(
      'wrong-value',
    );
    expect(matchPartial({ expected: { a: 'web' }, actual: { a: { name: 'web' } } })[0]?.mode).toBe(
      'wrong-type',
    );
  });

  it('finds list elements by their key wherever they are in the list', () => {
    const expected = {
      spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }] }] },
    };
    expect(matchPartial({ expected, actual: pod })).toEqual([]);
  });

  it('names the element and what it found when a keyed element is missing', () => {
    const expected = { spec: { containers: [{ name: 'web', ports: [{ containerPort: 8443 }] }] } };
    expect(explain({ expected, actual: pod })).toEqual([
      'expected containerPort 8443 on container "web", found containerPort 443, 80',
    ]);
    const noWeb = { spec: { containers: [{ name: 'api' }] } };
    expect(explain({ expected: noWeb, actual: pod })).toEqual([
      'expected a container named "api" in spec.containers, found containers named "sidecar", "web"',
    ]);
  });

  it('reports differences inside the matching element with its name', () => {
    const expected = {
      spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'web' }] }] },
    };
    expect(explain({ expected, actual: pod })).toEqual([
      'expected name "web" on port 80, found "http"',
    ]);
  });

  it('lets a check override the key of a list', () => {
    const expected = {
      spec: { containers: [{ name: 'web', ports: [{ name: 'https', containerPort: 443 }] }] },
    };
    expect(matchPartial({ expected, actual: pod, listKeys: { ports: 'name' } })).toEqual([]);
    const wrongPort = {
      spec: { containers: [{ name: 'web', ports: [{ name: 'https', containerPort: 8443 }] }] },
    };
    expect(explain({ expected: wrongPort, actual: pod, listKeys: { ports: 'name' } })).toEqual([
      'expected containerPort 8443 on port "https", found 443',
    ]);
  });

  it('accepts any element of a list without a known key', () => {
    const actual = {
      items: [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ],
    };
    expect(matchPartial({ expected: { items: [{ b: 4 }] }, actual })).toEqual([]);
    expect(matchPartial({ expected: { items: [{ b: 5 }] }, actual })[0]?.mode).toBe(
      'missing-element',
    );
  });

  it('compares lists of scalars exactly and in order', () => {
    const expected = { spec: { containers: [{ name: 'web', args: ['-g', 'daemon off;'] }] } };
    expect(matchPartial({ expected, actual: pod })).toEqual([]);
    const reversed = { spec: { containers: [{ name: 'web', args: ['daemon off;', '-g'] }] } };
    expect(matchPartial({ expected: reversed, actual: pod })).not.toEqual([]);
    const shorter = { spec: { containers: [{ name: 'web', args: ['-g'] }] } };
    expect(matchPartial({ expected: shorter, actual: pod })).not.toEqual([]);
  });

  it('supports $present, $pattern and $oneOf', () => {
    expect(matchPartial({ expected: { spec: { $present: true } }, actual: pod })).toEqual([]);
    expect(matchPartial({ expected: { status: { $present: true } }, actual: pod })[0]?.mode).toBe(
      'missing-field',
    );
    expect(matchPartial({ expected: { status: { $present: false } }, actual: pod })).toEqual([]);
    expect(matchPartial({ expected: { spec: { $present: false } }, actual: pod })[0]?.mode).toBe(
      'unexpected-field',
    );
    expect(matchPartial({ expected: { spec: null as never }, actual: { spec: null } })).toEqual([]);
    expect(
      matchPartial({ expected: { kind: { $present: true } }, actual: { kind: null } })[0]?.mode,
    ).toBe('missing-field');
    const image = (value: unknown) => ({ spec: { containers: [{ name: 'web', image: value }] } });
    expect(
      matchPartial({ expected: image({ $pattern: '^nginx:1\\.' }) as never, actual: pod }),
    ).toEqual([]);
    expect(explain({ expected: image({ $pattern: '^httpd' }) as never, actual: pod })).toEqual([
      'expected image matching /^httpd/ on container "web", found "nginx:1.28"',
    ]);
    expect(
      matchPartial({ expected: { kind: { $oneOf: ['Pod', 'Deployment'] } }, actual: pod }),
    ).toEqual([]);
    expect(matchPartial({ expected: { kind: { $oneOf: ['Job'] } }, actual: pod })[0]?.mode).toBe(
      'wrong-value',
    );
  });

  it('reports every mismatch, not only the first', () => {
    expect(
      matchPartial({ expected: { kind: 'Job', metadata: { name: 'other' } }, actual: pod }),
    ).toHaveLength(2);
  });

  it('reads only own properties, so inherited names never satisfy an expectation', () => {
    expect(matchPartial({ expected: { toString: { $present: true } }, actual: {} })[0]?.mode).toBe(
      'missing-field',
    );
    expect(
      matchPartial({ expected: { constructor: { $present: true } }, actual: {} })[0]?.mode,
    ).toBe('missing-field');
  });

  it('reports a document that is not a mapping', () => {
    expect(matchPartial({ expected: { kind: 'Pod' }, actual: 'Pod' })[0]?.mode).toBe(
      'not-a-mapping',
    );
    expect(matchPartial({ expected: { kind: 'Pod' }, actual: null })[0]?.mode).toBe(
      'not-a-mapping',
    );
  });
});
