import { canonicalQuantity } from '../../sim/quantity-canonical.js';

/** What kube-apiserver stores for what a manifest writes (apimachinery's canonical Quantity). */
describe('canonical quantities', () => {
  it.each([
    [1000, '1k'],
    ['1000', '1k'],
    [0.5, '500m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['100m', '100m'],
    ['2', '2'],
    ['0', '0'],
    ['128974848', '128974848'],
    ['129M', '129M'],
    ['1500k', '1500k'],
    ['2000k', '2M'],
    ['1e3', '1e3'],
    ['12e2', '1200'],
    ['1Gi', '1Gi'],
    ['2048Mi', '2Gi'],
    ['1000Mi', '1000Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['512Ki', '512Ki'],
    ['0.5Ki', '512'],
    ['1073741824', '1073741824'],
    ['0.0000000001', '1n'],
    ['-1.5', '-1500m'],
  ])('%p is stored as %p', (written, stored) => {
    expect(canonicalQuantity(written)).toBe(stored);
  });

  it.each([['abc'], ['1.2.3'], ['1Xi'], [''], [Number.NaN], [null], [{}]])(
    '%p is not a quantity',
    (value) => {
      expect(canonicalQuantity(value)).toBeUndefined();
    },
  );
});
