/**
 * Number formatting shared by every section, following the CLI's text report (src/shared/render/report-text.ts):
 * 4 decimals for losses and scores, tiny values in scientific notation, shares as percentages with
 * one decimal. Values arrive by structured clone, so Infinity and NaN are numbers here: Infinity
 * shows as ∞ and NaN (undefined: a class never predicted, an empty bin) as an en dash.
 */

export const DASH = '–';

export function num(n: number, digits = 4): string {
  if (Number.isNaN(n)) return DASH;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  if (n !== 0 && Math.abs(n) < 10 ** -digits) return n.toExponential(2);
  return n.toFixed(digits);
}

export function int(n: number): string {
  if (!Number.isFinite(n)) return num(n);
  return n.toLocaleString('en-US');
}

export function pct(n: number): string {
  if (Number.isNaN(n)) return DASH;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  return `${(n * 100).toFixed(1)}%`;
}

/** A full-precision copy for data-value hooks: String() keeps every digit and writes Infinity / NaN by name. */
export function raw(n: number): string {
  return String(n);
}

/** Compact axis ticks for log-scaled losses: 1e-3, 0.01, 0.1, 1, 10. */
export function tick(n: number): string {
  if (n === 0) return '0';
  const e = Math.log10(n);
  if (Math.abs(e - Math.round(e)) < 1e-9 && (e < -2 || e > 3)) return `1e${Math.round(e)}`;
  return String(Number(n.toPrecision(3)));
}
