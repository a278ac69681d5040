/** Unit tests of the simulation's building blocks: virtual clock, selectors, patches, quantities. */
import { SimClock } from '../../sim/clock.js';
import { jsonPatch, mergePatch, strategicMerge } from '../../sim/api/patch.js';
import { ApiError } from '../../sim/errors.js';
import { parseQuantity } from '../../sim/quantity.js';
import { parseFieldSelector, parseLabelSelector } from '../../sim/store/selectors.js';

describe('SimClock', () => {
  it('when time is advanced, then due timers fire in time order and later ones wait', async () => {
    const clock = new SimClock({ speed: 0, start: new Date('2026-01-01T00:00:00Z') });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@2000'), 2000);
    clock.setTimeout(() => fired.push('a@1000'), 1000);
    const cancelled = clock.setTimeout(() => fired.push('never'), 1500);
    clock.clearTimeout(cancelled);
    clock.setTimeout(() => fired.push('c@5000'), 5000);
    await clock.advance(2000);
    expect(fired).toEqual(['a@1000', 'b@2000']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:02.000Z');
    await clock.advance(3000);
    expect(fired).toEqual(['a@1000', 'b@2000', 'c@5000']);
    clock.stop();
  });

  it('when the speed is 1000, then a simulated second passes in about a millisecond', async () => {
    const clock = new SimClock({ speed: 1000 });
    const fired = new Promise<number>((resolve) =>
      clock.setTimeout(() => resolve(Date.now()), 2000),
    );
    const started = Date.now();
    expect((await fired) - started).toBeLessThan(200);
    clock.stop();
  });
});

describe('selectors', () => {
  it('label selectors support equality, sets and existence', () => {
    const labels = { app: 'web', tier: 'frontend' };
    expect(parseLabelSelector('app=web,tier!=backend')(labels)).toBe(true);
    expect(parseLabelSelector('app in (web, api),!missing')(labels)).toBe(true);
    expect(parseLabelSelector('tier notin (frontend)')(labels)).toBe(false);
    expect(parseLabelSelector('app==api')(labels)).toBe(false);
    expect(parseLabelSelector('')(labels)).toBe(true);
  });

  it('field selectors refuse unsupported fields with a 400', () => {
    expect(parseFieldSelector('metadata.name=my-pod', ['metadata.name'])).toEqual([
      { field: 'metadata.name', value: 'my-pod', negate: false },
    ]);
    expect(() => parseFieldSelector('spec.image=x', ['metadata.name'])).toThrow(ApiError);
  });
});

describe('patches', () => {
  it('merge patch replaces lists and deletes nulls', () => {
    expect(mergePatch({ a: 1, b: [1, 2], c: { d: 1 } }, { a: null, b: [3], c: { e: 2 } })).toEqual({
      b: [3],
      c: { d: 1, e: 2 },
    });
  });

  it('strategic merge merges keyed lists, honours $patch: delete and $setElementOrder', () => {
    const target = {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    };
    expect(
      strategicMerge(target, {
        containers: [
          { name: 'b', image: 'z' },
          { name: 'c', image: 'w' },
        ],
      }),
    ).toEqual({
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'z' },
        { name: 'c', image: 'w' },
      ],
    });
    expect(strategicMerge(target, { containers: [{ name: 'a', $patch: 'delete' }] })).toEqual({
      containers: [{ name: 'b', image: 'y' }],
    });
    expect(
      strategicMerge(target, {
        '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
        containers: [{ name: 'a', image: 'q' }],
      }),
    ).toEqual({
      containers: [
        { name: 'b', image: 'y' },
        { name: 'a', image: 'q' },
      ],
    });
  });

  it('JSON patch applies operations in order and fails a test operation with 422', () => {
    expect(
      jsonPatch({ a: [1] }, [
        { op: 'add', path: '/a/-', value: 2 },
        { op: 'replace', path: '/a/0', value: 0 },
        { op: 'copy', from: '/a', path: '/b' },
      ]),
    ).toEqual({ a: [0, 2], b: [0, 2] });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      expect.objectContaining({ code: 422 }),
    );
  });
});

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['128Mi', 128 * 2 ** 20],
    ['1G', 1e9],
    ['1e3', 1000],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it('rejects what is not a quantity', () => {
    expect(parseQuantity('lots')).toBeUndefined();
  });
});
