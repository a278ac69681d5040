import { matchPartial } from '../../src/grading/matching/match-partial.js';
import { quantityNanos } from '../../src/grading/matching/quantity-value.js';

/** A container as a manifest writes it, and as kube-apiserver 1.26 stores it. */
const withResources = (
  requests: Record<string, string | number>,
  limits: Record<string, string | number> = {},
) => ({
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests, limits } }] },
});

describe('resource quantities compare by value', () => {
  it.each([
    // manifest value, what kube-apiserver stores
    [1000, '1k'],
    [0.5, '500m'],
    ['0.5', '500m'],
    ['1Gi', '1Gi'],
    ['1Gi', '1073741824'],
    [1, '1'],
    ['1000m', '1'],
    ['1e3', '1k'],
    ['128974848', '128974848'],
    ['129M', '129M'],
    ['0.1', '100m'],
  ])("manifest %p matches the cluster's %p", (written, stored) => {
    expect(
      matchPartial({
        expected: withResources({ cpu: written }, { memory: written }),
        actual: withResources({ cpu: stored }, { memory: stored }),
      }),
    ).toEqual([]);
  });

  it.each([
    [1000, '1'],
    ['500m', '5'],
    ['1Gi', '1G'],
    [8080, '80'],
  ])('manifest %p does not match %p', (written, stored) => {
    const mismatches = matchPartial({
      expected: withResources({ cpu: written }),
      actual: withResources({ cpu: stored }),
    });
    expect(mismatches).toHaveLength(1);
  });

  it('compares by value only under resources.requests and resources.limits', () => {
    const port = (value: string | number) => ({
      spec: { containers: [{ name: 'web', ports: [{ containerPort: value }] }] },
    });
    expect(matchPartial({ expected: port(80), actual: port('80') })).toHaveLength(1);
    expect(matchPartial({ expected: port(80), actual: port(8080) })).toHaveLength(1);
    expect(
      matchPartial({ expected: { replicas: 1000 }, actual: { replicas: '1k' } })[0]?.mode,
    ).toBe('wrong-type');
  });

  it('is exact: no floating point, finer than nano rounds up as the API server does', () => {
    expect(quantityNanos('0.1')).toBe(100_000_000n);
    expect(quantityNanos(0.3)).toBe(300_000_000n);
    expect(quantityNanos('1Ei')).toBe(2n ** 60n * 1_000_000_000n);
    expect(quantityNanos('1.5n')).toBe(2n);
    expect(quantityNanos('nginx')).toBeUndefined();
    expect(quantityNanos('1 Gi')).toBeUndefined();
  });
});
