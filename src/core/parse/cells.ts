/**
 * Cells as readers hand them to layout inference (CSV: numbers and text; JSON: any value), and
 * the few ways of reading one: a number, a vector, a list of names, a true/false word.
 */

/** A cell as read: CSV gives numbers or strings, JSON any value (numbers, arrays, strings, null). */
export type Cell = unknown;

export function normName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s\-.]+/g, '_');
}

/** Strings a label may use for true/false in binary files. */
const TRUE_WORDS = new Set(['true', 'yes', 'pos', 'positive']);
const FALSE_WORDS = new Set(['false', 'no', 'neg', 'negative']);
const OPPOSITE: Record<string, string> = { true: 'false', yes: 'no', pos: 'neg', positive: 'negative' };

export function booleanWord(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return 1;
  if (FALSE_WORDS.has(t)) return 0;
  return undefined;
}

/** The word of the other truth value, in the same case: `yes` -> `no`, `False` -> `True`. */
export function oppositeWord(s: string): string | undefined {
  const t = s.trim();
  const low = t.toLowerCase();
  const other = OPPOSITE[low] ?? Object.keys(OPPOSITE).find((k) => OPPOSITE[k] === low);
  if (other === undefined) return undefined;
  if (t === t.toUpperCase()) return other.toUpperCase();
  if (t[0] === t[0]!.toUpperCase()) return other[0]!.toUpperCase() + other.slice(1);
  return other;
}

const NUMBER_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A cell as a number when it is one (JSON number, or CSV text in decimal notation). */
export function cellNumber(c: Cell): number | undefined {
  if (typeof c === 'number') return Number.isFinite(c) ? c : undefined;
  if (typeof c === 'string' && NUMBER_RE.test(c)) return Number(c);
  if (typeof c === 'boolean') return c ? 1 : 0;
  return undefined;
}

/**
 * The key a class name or a label is matched by when it is a number: `1`, `1.0` and `+1` are one
 * class (pandas writes integer labels as `1`, a float column as `1.0`, SVM files as `+1`).
 */
export function numberKey(s: string): string | undefined {
  const t = s.trim();
  return NUMBER_RE.test(t) ? String(Number(t)) : undefined;
}

/**
 * A list of class names from a cell: a JSON array of strings, or text like `cat|dog`, `cat,dog`,
 * `["cat","dog"]`. Spaces separate names only where `isName` says so: when every word is a class
 * name and the whole text is not (`cat dog` with classes cat and dog). Otherwise `new york` is one
 * name, as in a CSV label column whose classes have spaces in their names.
 */
export function namesList(c: Cell, isName?: (name: string) => boolean): string[] | undefined {
  if (Array.isArray(c)) return c.every((x) => typeof x === 'string') ? (c as string[]) : undefined;
  if (typeof c !== 'string') return undefined;
  const t = c.trim();
  if (t.startsWith('[') && t.endsWith(']')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {
      // Not JSON: fall through to separators (['cat', 'dog'] from Python's repr).
    }
    const inner = t.slice(1, -1).trim();
    if (inner === '') return [];
    return inner.split(',').map((x) => x.trim().replace(/^['"]|['"]$/g, ''));
  }
  if (t === '') return [];
  if (isName?.(t)) return [t];
  const sep = /[|;,]/.exec(t)?.[0];
  if (sep !== undefined) return t.split(sep).map((x) => x.trim()).filter((x) => x !== '');
  const words = t.split(/\s+/);
  return words.length > 1 && isName !== undefined && words.every(isName) ? words : [t];
}

/**
 * A numeric vector from a cell: a JSON array of numbers, or text like `[0.1, 0.9]`, or numpy's
 * repr of an array as pandas writes a list column (`[ 0.1  -2.3e-01\n  0.9]`: spaces, no commas).
 */
export function cellVector(c: Cell): number[] | undefined {
  let v: unknown = c;
  if (typeof c === 'string') {
    const t = c.trim();
    if (!t.startsWith('[')) return joinedVector(t);
    try {
      v = JSON.parse(t);
    } catch {
      return numpyVector(t);
    }
  }
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

/** One number of a joined list: a decimal point or an exponent, so neither a decimal comma's halves nor ids. */
const JOINED_PART = /^\s*-?(\d+\.\d*|\.\d+|\d+(\.\d*)?e[+-]?\d+)\s*$/i;

/**
 * A list joined with commas into text, as a CSV cell must hold it (polars refuses a list column in
 * write_csv; `pl.col('probs').cast(pl.List(pl.String)).list.join(',')` writes "0.61,0.2,0.19",
 * quoted): every part a number with a decimal point or an exponent. "0,95" (a decimal comma) and
 * "1,5" (ids?) are not lists.
 */
function joinedVector(t: string): number[] | undefined {
  if (!t.includes(',')) return undefined;
  const parts = t.split(',');
  return parts.every((p) => JOINED_PART.test(p)) ? parts.map(Number) : undefined;
}

/** A field holds vectors when most sampled values are vectors (one odd row is reported, not followed). */
export function mostlyVectors(cells: Cell[]): boolean {
  let vectors = 0;
  let numbers = 0;
  for (const c of cells) {
    if (cellVector(c) !== undefined) vectors++;
    else if (cellNumber(c) !== undefined) numbers++;
  }
  return vectors > numbers;
}

/** An empty cell: no value in this row. */
export function isBlank(c: Cell): boolean {
  return c === undefined || c === null || c === '';
}

const NUMPY_ITEM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `[0.001 0.002 ... 0.0008]`: str() of a NumPy array over 1000 elements, its middle elided (pandas
 * writes a list(proba) column so): the numbers are not in the file.
 */
export function elidedNumpyVector(c: Cell): boolean {
  if (typeof c !== 'string') return false;
  const t = c.trim();
  if (!t.startsWith('[') || !t.endsWith(']') || !t.includes('...')) return false;
  const items = t.slice(1, -1).split(/[\s,]+/).filter((x) => x !== '');
  return items.includes('...') && items.every((x) => x === '...' || NUMPY_ITEM.test(x));
}

/** `[ 0.1  0.2\n 0.7]` (numpy's str of a 1-d float array); undefined for anything else. */
function numpyVector(t: string): number[] | undefined {
  if (!t.endsWith(']') || t.includes('[', 1)) return undefined;
  const items = t.slice(1, -1).split(/[\s,]+/).filter((x) => x !== '');
  if (items.length === 0 || !items.every((x) => NUMPY_ITEM.test(x))) return undefined;
  return items.map(Number);
}

/**
 * transformers' names for the classes of a model whose config has no id2label: LABEL_0 ..
 * LABEL_{K-1}, class k named LABEL_k. The names in that order when `names` are exactly those
 * (sorted as text they would be LABEL_0, LABEL_1, LABEL_10, LABEL_11, LABEL_2, ...).
 */
export function defaultLabelOrder(names: readonly string[]): string[] | undefined {
  const ids = names.map((n) => /^LABEL_(0|[1-9]\d*)$/.exec(n.trim())?.[1]);
  if (names.length < 2 || ids.some((d) => d === undefined)) return undefined;
  const order: string[] = [];
  ids.forEach((d, i) => (order[Number(d)] = names[i]!));
  return order.length === names.length && order.every((n) => n !== undefined) ? order : undefined;
}
