/**
 * The one number formatter every renderer (plain text, hover Markdown, KaTeX) goes through, so a
 * value reads the same in the CLI, the hover and the dashboard.
 *
 * - 4 significant digits by default (losses: 0.2231, 16.12, 34.54), trailing zeros dropped.
 * - Integers are exact (0, 1, 100); -0 is 0.
 * - An inexact value is never shown as an integer: 1 - 1e-15 is "(1 - 1e-15)", not 1 (the
 *   parentheses keep it one term inside a product).
 * - Magnitudes below 1e-4 (clip eps, tiny probabilities) in scientific notation: 1e-15, 2.22e-16.
 * - Infinity is "Infinity" in plain text (screen readers say it), "∞" in Markdown, \infty in TeX.
 */

export type NumberStyle = 'text' | 'markdown' | 'tex';

export const DEFAULT_DIGITS = 4;

/** Below this magnitude a number is written in scientific notation. */
const SCIENTIFIC_BELOW = 1e-4;
/** Significant digits of the gap in "(1 - 1e-15)". */
const NEAR_INTEGER_GAP_DIGITS = 2;
/** From this magnitude on, too. */
const SCIENTIFIC_FROM = 1e15;

export function formatNumber(x: number, style: NumberStyle = 'text', digits = DEFAULT_DIGITS): string {
  if (Number.isNaN(x)) return style === 'tex' ? '\\text{NaN}' : 'NaN';
  if (!Number.isFinite(x)) {
    const sign = x < 0 ? '-' : '';
    return sign + (style === 'text' ? 'Infinity' : style === 'markdown' ? '∞' : '\\infty');
  }
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < SCIENTIFIC_BELOW || a >= SCIENTIFIC_FROM) return scientific(x, style, digits);
  if (Number.isInteger(x)) return String(x);
  // Enough digits for the integer part, so toPrecision never switches to exponent notation.
  const intDigits = a >= 1 ? Math.floor(Math.log10(a)) + 1 : 1;
  // Past `digits` integer digits, one decimal still tells 12345.7 from an integer.
  const s = stripZeros(intDigits > digits ? x.toFixed(1) : x.toPrecision(digits));
  const n = Number(s);
  if (!Number.isInteger(n)) return s;
  // Rounds to an integer it is not: say how far off, as (1 - 1e-15), rather than 0.999999999999999.
  // Two digits of the gap are plenty (it is below 5e-5 of the value) and keep 1 - 1e-15 readable.
  const diff = x - n;
  return `(${n} ${diff < 0 ? '-' : '+'} ${formatNumber(Math.abs(diff), style, NEAR_INTEGER_GAP_DIGITS)})`;
}

function scientific(x: number, style: NumberStyle, digits: number): string {
  const [mantissa = '', exponent = ''] = x.toExponential(Math.max(0, digits - 1)).split('e');
  const m = stripZeros(mantissa);
  const e = String(Number(exponent));
  if (style !== 'tex') return `${m}e${e}`;
  if (m === '1') return `10^{${e}}`;
  if (m === '-1') return `-10^{${e}}`;
  return `${m} \\times 10^{${e}}`;
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A formatter bound to one style and precision, handed to the step renderers. */
export type Fmt = (x: number) => string;

export function formatter(style: NumberStyle, digits = DEFAULT_DIGITS): Fmt {
  return (x) => formatNumber(x, style, digits);
}

/** Compile-time exhaustiveness: a new step kind makes every renderer's switch fail to compile. */
export function assertNever(x: never): never {
  throw new Error(`unhandled step ${JSON.stringify(x)}`);
}

/**
 * A formatted number as the base of a power: 0.8^{2} stays as is, but 1e-7 and -0.5 need
 * grouping ({10^{-7}}^{2} in TeX, (1e-7)^2 in text) or the exponent attaches to the wrong part.
 */
export function powBase(s: string, style: NumberStyle): string {
  if (style === 'tex') return /[\s^\\-]/.test(s) ? `{${s}}` : s;
  return /[e-]/.test(s) ? `(${s})` : s;
}
