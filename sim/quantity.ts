/**
 * Resource quantities (`500m`, `2`, `128Mi`, `1e3`) as Kubernetes writes them, parsed to
 * numbers: CPU in millicores, everything else in base units.
 */

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value in base units, or undefined when the text is not a quantity. */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, digits = '', suffix = ''] = match;
  const base = Number(digits);
  if (!Number.isFinite(base)) return undefined;
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  if (exp) return base * 10 ** Number(exp[1]);
  const factor = SUFFIX[suffix];
  return factor === undefined ? undefined : base * factor;
}

export function isQuantity(text: unknown): boolean {
  return (
    (typeof text === 'string' || typeof text === 'number') && parseQuantity(text) !== undefined
  );
}

/** CPU in millicores (`500m` → 500, `2` → 2000). */
export function cpuMillis(text: string | undefined): number {
  return text === undefined ? 0 : Math.round((parseQuantity(text) ?? 0) * 1000);
}

/** Memory (or any non-CPU resource) in base units. */
export function amount(text: string | undefined): number {
  return text === undefined ? 0 : (parseQuantity(text) ?? 0);
}
