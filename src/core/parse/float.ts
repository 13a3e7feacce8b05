/**
 * Numbers straight from bytes, with no string per field: the CSV hot path calls this on the
 * bytes between two delimiters.
 *
 * Exactness: the result is always what `Number(text)` gives. The fast path is Clinger's: when
 * the significant digits fit in 15 decimal digits (so the integer mantissa m < 10^15 < 2^53 is
 * exact) and the decimal exponent e satisfies |e| <= 22 (10^e is exact in binary64), m * 10^e or
 * m / 10^-e is one correctly rounded IEEE operation on exact operands, hence correctly rounded.
 * Anything else (more digits, larger exponents, denormals) is decoded and handed to Number(),
 * which is correctly rounded by the spec. Such values are rare in prediction files written with
 * `%.8g`, `repr` or `toFixed`, so the fallback costs nothing measurable.
 */

/** Returned for text that is not a plain decimal number; callers inspect the text on that rare path. */
export const NOT_A_NUMBER = Number.NaN;

const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22,
];

/** Latin-1 decode for the fallback: the grammar accepted below is ASCII only. */
function asciiText(buf: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
}

/**
 * Parses `buf[start, end)` as a decimal number: optional sign, digits with an optional fraction
 * (or a fraction alone), optional exponent. Surrounding spaces are allowed. Returns NaN for
 * anything else (empty text, `abc`, `NaN`, `inf`, hex, `1_000`): the caller reports it.
 * `point` is the decimal separator's byte: `.` (46), or `,` (44) for files written with decimal
 * commas (`df.to_csv(sep=';', decimal=',')`, European Excel); the other one is then not a number.
 */
export function parseFloatBytes(buf: Uint8Array, start: number, end: number, point = 46): number {
  // Fast path: plain digits with an optional fraction and exponent, the mantissa accumulated
  // exactly in a double (every partial value stays below 2^53, so each step is exact).
  let i = start;
  if (i >= end) return NOT_A_NUMBER;
  let c = buf[i]!;
  const negative = c === 45;
  if (negative || c === 43) i++;
  let m = 0;
  const intStart = i;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
  }
  let digits = i - intStart;
  let e = 0;
  if (i < end && buf[i] === point) {
    i++;
    const fracStart = i;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
    }
    digits += i - fracStart;
    e = fracStart - i;
  }
  if (i < end && digits > 0) {
    c = buf[i]!;
    if (c === 101 || c === 69) {
      i++;
      let expNegative = false;
      if (i < end) {
        c = buf[i]!;
        if (c === 45 || c === 43) {
          expNegative = c === 45;
          i++;
        }
      }
      const expStart = i;
      let x = 0;
      for (; i < end && i - expStart < 6; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        x = x * 10 + d;
      }
      if (i === expStart) return NOT_A_NUMBER;
      e += expNegative ? -x : x;
    }
  }
  if (i === end && digits > 0 && m < 9007199254740992) {
    if (m === 0) return negative ? -0 : 0;
    if (e >= 0 && e <= 22) return negative ? -(m * POW10[e]!) : m * POW10[e]!;
    if (e < 0 && e >= -22) return negative ? -(m / POW10[-e]!) : m / POW10[-e]!;
  }
  return parseFloatCareful(buf, start, end, point);
}

/** Handles everything else: spaces, long mantissas, large exponents, invalid text. */
function parseFloatCareful(buf: Uint8Array, start: number, end: number, point: number): number {
  while (start < end && buf[start] === 32) start++;
  while (end > start && buf[end - 1] === 32) end--;
  let i = start;
  if (i >= end) return NOT_A_NUMBER;
  let negative = false;
  let c = buf[i]!;
  if (c === 45 /* - */) {
    negative = true;
    i++;
  } else if (c === 43 /* + */) {
    i++;
  }
  let mantissa = 0;
  let digits = 0; // significant digits accumulated into mantissa
  let dropped = false; // a nonzero digit did not fit: only Number() can round exactly
  let exp10 = 0;
  let sawDigit = false;
  // Integer part.
  for (; i < end; i++) {
    c = buf[i]!;
    const d = c - 48;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (digits < 15) {
      if (mantissa !== 0 || d !== 0) {
        mantissa = mantissa * 10 + d;
        digits++;
      }
    } else {
      exp10++;
      if (d !== 0) dropped = true;
    }
  }
  let pointAt = -1;
  if (i < end && buf[i] === point /* . or , */) {
    pointAt = i;
    i++;
    for (; i < end; i++) {
      c = buf[i]!;
      const d = c - 48;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      if (digits < 15) {
        if (mantissa !== 0 || d !== 0) {
          mantissa = mantissa * 10 + d;
          digits++;
        }
        exp10--;
      } else if (d !== 0) {
        dropped = true;
      }
    }
  }
  if (!sawDigit) return NOT_A_NUMBER;
  if (i < end && (buf[i] === 101 || buf[i] === 69) /* e E */) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 45 || buf[i] === 43)) {
      expNegative = buf[i] === 45;
      i++;
    }
    let e = 0;
    let expDigits = 0;
    for (; i < end; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d; // saturate: 1e100000 is Infinity / 0 anyway, via Number()
      expDigits++;
    }
    if (expDigits === 0) return NOT_A_NUMBER;
    exp10 += expNegative ? -e : e;
  }
  if (i !== end) return NOT_A_NUMBER;
  if (mantissa === 0) return negative ? -0 : 0;
  if (!dropped && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 >= 0 ? mantissa * POW10[exp10]! : mantissa / POW10[-exp10]!;
    return negative ? -v : v;
  }
  // Not exactly representable on the fast path (e.g. 1e-300, 17-digit repr output).
  const text = asciiText(buf, start, end);
  return Number(pointAt < 0 || point === 46 ? text : `${text.slice(0, pointAt - start)}.${text.slice(pointAt - start + 1)}`);
}
