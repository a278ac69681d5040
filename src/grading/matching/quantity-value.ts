import type { PathStep } from './mismatch.js';

/**
 * Kubernetes resource quantities compared by value, as the API server compares them: it stores
 * `cpu: 1000` as "1k" and `cpu: 0.5` as "500m", so a manifest and the cluster's object spell the
 * same quantity differently. Values are exact: BigInt nano-units (the API server's own finest
 * scale; finer values round up, as it does), never floating point.
 */

const QUANTITY =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:([eE])([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

const decimalExponent: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binaryExponent: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** The quantity in nano-units, or undefined when the value is not a quantity. */
export function quantityNanos(value: unknown): bigint | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, sign = '', number = '', e, exponent, suffix] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let digits = BigInt(`${whole || '0'}${fraction}`);
  let power = 9 - fraction.length;
  if (e !== undefined) power += Number(exponent);
  else if (suffix !== undefined && suffix in decimalExponent) power += decimalExponent[suffix]!;
  else if (suffix !== undefined) digits *= 2n ** BigInt(binaryExponent[suffix]!);
  if (power > 60 || power < -60) return undefined;
  const nanos =
    power >= 0 ? digits * 10n ** BigInt(power) : ceilDivide(digits, 10n ** BigInt(-power));
  return sign === '-' ? -nanos : nanos;
}

function ceilDivide(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

/** A resource amount in a container: `...resources.requests.<name>` or `...resources.limits.<name>`. */
export function isQuantityPath(path: readonly PathStep[]): boolean {
  const [resources, kind, name] = path.slice(-3);
  return (
    resources?.type === 'field' &&
    resources.name === 'resources' &&
    kind?.type === 'field' &&
    (kind.name === 'requests' || kind.name === 'limits') &&
    name?.type === 'field'
  );
}

/** Both are quantities with the same value (`1000` and "1k", "0.5" and "500m"). */
export function sameQuantity(expected: unknown, actual: unknown): boolean {
  const left = quantityNanos(expected);
  const right = quantityNanos(actual);
  return left !== undefined && right !== undefined && left === right;
}
