/**
 * Accumulator states travel between worker threads (structured clone) and may be written as JSON
 * (JSON.stringify calls toJSON). JSON has no Infinity or NaN and would turn them into null, so the
 * few non-finite numbers a state can hold are written as strings; finite numbers round-trip exactly.
 */

export type EncodedNumber = number | 'Infinity' | '-Infinity' | 'NaN';

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (v === 'NaN') return Number.NaN;
  throw new TypeError(`not an encoded number: ${JSON.stringify(v)}`);
}

export function encodeArray(a: ArrayLike<number>): EncodedNumber[] {
  const out: EncodedNumber[] = new Array<EncodedNumber>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = encodeNumber(a[i] as number);
  return out;
}

/** Decodes `v` (encoded numbers, or a Float64Array as is) into `into`, which fixes the expected length. */
export function decodeArrayInto(v: unknown, into: Float64Array | Int32Array, what: string): void {
  if (v instanceof Float64Array && v.length === into.length) {
    into.set(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== into.length) {
    throw new TypeError(`breakdown state: ${what} must be an array of ${into.length} numbers`);
  }
  for (let i = 0; i < into.length; i++) into[i] = decodeNumber(v[i]);
}
