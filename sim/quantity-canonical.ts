/**
 * The canonical text kube-apiserver stores for a resource quantity. A real API server does not
 * keep what the learner wrote: `cpu: 1000` comes back as "1k", `0.5` as "500m", `2048Mi` as
 * "2Gi". The grader must compare such values by meaning, so the simulated cluster answers as the
 * real one does, or a grader that compares text would pass here and fail in production.
 *
 * The rules are those of apimachinery's resource.Quantity: the format of the input is kept
 * (decimal SI suffix, binary SI suffix, or decimal exponent); the value is exact to the
 * nano-unit (anything finer rounds up); no fractional digits are written; the suffix or exponent
 * is the largest that keeps the number whole. A binary quantity that is fractional or below
 * 1024 is written in decimal SI.
 */

const QUANTITY =
  /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:([numkMGTPE]|[KMGTPE]i)|[eE]([-+]?[0-9]+))?$/;

const DECIMAL_SUFFIXES: ReadonlyArray<readonly [string, number]> = [
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
];
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const NANOS_PER_UNIT = 10n ** 9n;

type Format = 'decimal' | 'binary' | 'exponent';

interface ExactQuantity {
  negative: boolean;
  /** The absolute value in nano-units, rounded up. */
  nanos: bigint;
  format: Format;
}

function parseExact(text: string): ExactQuantity | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', number = '', suffix, exponentText] = match;
  const [whole = '', fraction = ''] = number.split('.');
  // value = digits × 10^(power) × 1024^(binaryPower), all kept as integers
  const digits = BigInt(`${whole}${fraction}` || '0');
  let power = -fraction.length + 9; // in nano-units
  let binaryPower = 0;
  let format: Format = 'decimal';
  if (exponentText !== undefined) {
    power += Number(exponentText);
    format = 'exponent';
  } else if (suffix?.endsWith('i')) {
    binaryPower = BINARY_SUFFIXES.indexOf(suffix);
    format = 'binary';
  } else if (suffix) {
    power += DECIMAL_SUFFIXES.find(([name]) => name === suffix)?.[1] ?? 0;
  }
  let numerator = digits * 1024n ** BigInt(binaryPower);
  let denominator = 1n;
  if (power >= 0) numerator *= 10n ** BigInt(power);
  else denominator = 10n ** BigInt(-power);
  const nanos = (numerator + denominator - 1n) / denominator; // rounds up, as Kubernetes does
  return { negative: sign === '-' && nanos !== 0n, nanos, format };
}

function decimalText(nanos: bigint, format: Format): string {
  if (nanos === 0n) return '0';
  let best = DECIMAL_SUFFIXES[0] as readonly [string, number];
  for (const candidate of DECIMAL_SUFFIXES) {
    if (nanos % 10n ** BigInt(candidate[1] + 9) === 0n) best = candidate;
  }
  const [suffix, exponent] = best;
  const mantissa = nanos / 10n ** BigInt(exponent + 9);
  if (format === 'exponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  return `${mantissa}${suffix}`;
}

function binaryText(nanos: bigint): string {
  if (nanos % NANOS_PER_UNIT !== 0n || nanos < 1024n * NANOS_PER_UNIT) {
    return decimalText(nanos, 'decimal');
  }
  let units = nanos / NANOS_PER_UNIT;
  let index = 0;
  while (index < BINARY_SUFFIXES.length - 1 && units % 1024n === 0n) {
    units /= 1024n;
    index += 1;
  }
  return `${units}${BINARY_SUFFIXES[index]}`;
}

/** The canonical text of a quantity, or undefined when the value is not a quantity. */
export function canonicalQuantity(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return canonicalQuantity(String(value));
  }
  if (typeof value !== 'string') return undefined;
  const exact = parseExact(value);
  if (!exact) return undefined;
  const text =
    exact.format === 'binary' ? binaryText(exact.nanos) : decimalText(exact.nanos, exact.format);
  return exact.negative ? `-${text}` : text;
}
