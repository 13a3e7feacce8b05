/**
 * Turns one row's values into the reused Sample, checking each value against the layout. Every
 * check returns a message (or undefined) instead of throwing, so readers can attach the line and
 * column they know and go on.
 */
import type { Sample } from '../types';
import { booleanWord, cellNumber, cellVector, elidedNumpyVector, namesList, numberKey, type Cell } from './cells';
import { quoteForMessage } from './problems';
import type { Layout } from './types';

export class SampleFiller {
  readonly sample: Sample;
  /** The reused prediction vector (length numClasses; bce: 1). */
  readonly pred: Float64Array;
  /** The reused dense target (vector targets only). */
  readonly target: Float64Array | undefined;
  private readonly nameIndex: Map<string, number>;
  private readonly probs: boolean;
  private readonly k: number;

  constructor(readonly layout: Layout) {
    this.k = layout.numClasses;
    this.pred = new Float64Array(this.k);
    const dense = layout.labelEncoding === 'vector' || layout.labelEncoding === 'names';
    this.target = dense ? new Float64Array(this.k) : undefined;
    this.sample = { prediction: this.pred, target: dense ? this.target! : 0 };
    this.nameIndex = nameIndex(layout.classNames);
    this.probs = layout.input === 'probs';
  }

  /** Stores prediction k (callers have rejected NaN and infinities); a message when out of range. */
  prediction(v: number, k: number): string | undefined {
    if (this.probs && (v < 0 || v > 1)) {
      return `probability ${v} is outside [0, 1] (${this.predName(k)}); if these are logits, read with --input logits`;
    }
    this.pred[k] = v;
    return undefined;
  }

  predName(k: number): string {
    const l = this.layout;
    if (l.predictionIsVector) return `${l.predictionColumns[0]}[${k}]`;
    const name = l.predictionColumns[k]!;
    // A headerless file's names already say it (`column 3`).
    if (l.header === 'none') return name;
    return `${l.format === 'json' || l.format === 'jsonl' ? 'field' : 'column'} ${name}`;
  }

  /** A label written as a number (class index; bce: 0/1 or soft y). */
  labelNumber(v: number): string | undefined {
    const l = this.layout;
    if (v === l.ignoreIndex && l.kind !== 'multilabel') {
      this.sample.target = v;
      return undefined;
    }
    if (l.kind === 'bce') {
      if (!(v >= 0 && v <= 1)) return `label ${v} is not 0, 1 or a probability in [0, 1]${v < 0 && Number.isInteger(v) ? ignoreHint(v) : ''}`;
      this.sample.target = v;
      return undefined;
    }
    if (!Number.isInteger(v) || v < 0 || v >= this.k) {
      return `label ${v} is not a class index (0 to ${this.k - 1})${v < 0 && Number.isInteger(v) ? ignoreHint(v) : ''}`;
    }
    this.sample.target = v;
    return undefined;
  }

  /** A label written as text that is not a number: a class name or a true/false word. */
  labelText(s: string): string | undefined {
    const l = this.layout;
    const t = s.trim();
    if (l.labelEncoding === 'names') return this.labelNames(namesList(t, this.isName) ?? [t]);
    const i = this.classOf(t);
    if (i !== undefined && l.labelEncoding === 'name') {
      this.sample.target = i;
      return undefined;
    }
    if (l.kind === 'bce') {
      const b = booleanWord(t);
      if (b !== undefined) {
        this.sample.target = b;
        return undefined;
      }
    }
    if (t === '') return 'missing label';
    if (l.labelEncoding === 'name') return `label ${quoteForMessage(t)} is not among the class names (${l.classNames.join(', ')})`;
    const n = cellNumber(t);
    if (n !== undefined) return this.labelNumber(n);
    return `expected a class index, found ${quoteForMessage(t)}`;
  }

  /** Whether `name` is one of the layout's class names (namesList: does a space separate two?). */
  readonly isName = (name: string): boolean => this.nameIndex.has(name);

  /** The class a label names: as written, as a number (`1.0` is class `1`), or in another case. */
  classOf(name: string): number | undefined {
    return findClass(this.nameIndex, name);
  }

  /** A multi-label list of names. */
  labelNames(names: string[]): string | undefined {
    const t = this.target!;
    t.fill(0);
    for (const n of names) {
      const i = this.classOf(n.trim());
      if (i === undefined) return `label ${quoteForMessage(n)} is not among the class names (${this.layout.classNames.join(', ')})`;
      t[i] = 1;
    }
    this.sample.target = t;
    return undefined;
  }

  /** A dense target value at k (one-hot, soft, multi-hot). */
  targetValue(v: number, k: number): string | undefined {
    if (!(v >= 0 && v <= 1)) {
      const col = this.layout.targetColumns?.[k];
      return `target ${v} is outside [0, 1] (${col !== undefined ? `column ${col}` : `${this.layout.labelColumn}[${k}]`})`;
    }
    this.target![k] = v;
    return undefined;
  }

  /** Any JSON value as a label (number, string, list of names, vector). */
  labelCell(c: Cell): string | undefined {
    const l = this.layout;
    if (l.labelEncoding === 'vector') {
      const v = cellVector(c);
      if (v === undefined) return `expected a vector of ${this.k} numbers as the target, found ${describe(c)}`;
      if (v.length !== this.k) return `expected ${this.k} target values, found ${v.length}`;
      for (let k = 0; k < v.length; k++) {
        const m = this.targetValue(v[k]!, k);
        if (m !== undefined) return m;
      }
      this.sample.target = this.target!;
      return undefined;
    }
    if (l.labelEncoding === 'names') {
      const names = namesList(c, this.isName);
      if (names === undefined) return `expected a list of class names, found ${describe(c)}`;
      return this.labelNames(names);
    }
    if (typeof c === 'number') {
      if (!Number.isFinite(c)) return `label ${c} is not finite`;
      return l.labelEncoding === 'name' ? this.labelText(String(c)) : this.labelNumber(c);
    }
    if (typeof c === 'boolean') return this.labelNumber(c ? 1 : 0);
    if (typeof c === 'string') return this.labelText(c);
    if (c === null || c === undefined) return 'missing label';
    return `expected a label, found ${describe(c)}`;
  }

  /** A JSON prediction value (number or vector). */
  predictionCell(c: Cell, k: number): string | undefined {
    if (typeof c !== 'number') return `expected a number, found ${describe(c)} (${this.predName(k)})`;
    if (c - c !== 0) return finiteMessage(c, this.predName(k)); // NaN or an infinity
    return this.prediction(c, k);
  }

  predictionVector(cell: Cell): string | undefined {
    // A list written as text (json.dumps into a column before to_json): the vector inference took it for.
    const c = typeof cell === 'string' ? (cellVector(cell) ?? cell) : cell;
    if (elidedNumpyVector(c)) return `a NumPy vector printed with "..." in its middle in ${this.layout.predictionColumns[0]}: the scores are not in the file; write them whole (np.set_printoptions(threshold=sys.maxsize) before to_csv) or save them with np.save`;
    if (!Array.isArray(c)) return `expected a vector of ${this.k} numbers in ${this.layout.predictionColumns[0]}, found ${describe(c)}`;
    if (c.length !== this.k) return `expected ${this.k} values in ${this.layout.predictionColumns[0]}, found ${c.length}`;
    for (let k = 0; k < c.length; k++) {
      const m = this.predictionCell(c[k], k);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  /** Sample weight: a finite number >= 0. */
  weight(v: number): string | undefined {
    if (!(v >= 0) || v === Infinity) return `sample weight ${v} is not a finite number >= 0`;
    this.sample.weight = v;
    return undefined;
  }
}

/**
 * A class name or index as a file writes it (a `y_pred` cell) to the class's index: by name when
 * the labels are names, else as a class index (bce: 0/1 and the true/false words).
 */
export function classLookup(layout: Layout): (text: string) => number | undefined {
  const names = nameIndex(layout.classNames);
  const byName = (t: string): number | undefined => findClass(names, t);
  // Names first; a whole number that names no class is a class index (`clf.predict` beside string labels).
  if (layout.labelEncoding === 'name') {
    return (t) => {
      const named = byName(t);
      if (named !== undefined) return named;
      const n = cellNumber(t);
      return n !== undefined && Number.isInteger(n) && n >= 0 && n < layout.classNames.length ? n : undefined;
    };
  }
  const k = layout.kind === 'bce' ? 2 : layout.numClasses;
  return (t) => {
    const n = cellNumber(t);
    if (n !== undefined) return Number.isInteger(n) && n >= 0 && n < k ? n : undefined;
    return layout.kind === 'bce' ? booleanWord(t) : byName(t);
  };
}

const NUMBER_KEY = '\u0000#';
const LOWER_KEY = '\u0000a';

/** A class by its name as written, as a number (`1.0` is class `1`), or in another case. */
function findClass(m: Map<string, number>, name: string): number | undefined {
  return m.get(name) ?? m.get(NUMBER_KEY + (numberKey(name) ?? '')) ?? m.get(LOWER_KEY + name.toLowerCase());
}

/** Class names by name, and by number and lower case where that names one class only. */
function nameIndex(names: string[]): Map<string, number> {
  const m = new Map<string, number>();
  const extra = new Map<string, number | undefined>();
  names.forEach((n, i) => {
    if (!m.has(n)) m.set(n, i);
    const t = n.trim();
    if (!m.has(t)) m.set(t, i);
    for (const key of [numberKey(t) !== undefined ? NUMBER_KEY + numberKey(t) : undefined, LOWER_KEY + t.toLowerCase()]) {
      if (key === undefined) continue;
      extra.set(key, extra.has(key) && extra.get(key) !== i ? undefined : i);
    }
  });
  for (const [k, i] of extra) if (i !== undefined) m.set(k, i);
  return m;
}

export function finiteMessage(v: number, where: string): string | undefined {
  if (v !== v) return `found NaN (${where}): values must be finite numbers`;
  if (v === Infinity || v === -Infinity) return `found ${v > 0 ? '' : '-'}infinity (${where}): values must be finite numbers`;
  return undefined;
}

/** The message for text that did not parse as a number. */
export function notANumberMessage(text: string, where: string): string {
  const t = text.trim();
  if (t === '') return `expected a number, found an empty field (${where})`;
  if (/^[+-]?nan$/i.test(t)) return `found NaN (${where}): values must be finite numbers`;
  if (/^[+-]?inf(inity)?$/i.test(t)) return `found ${t.startsWith('-') ? '-' : ''}infinity (${where}): values must be finite numbers`;
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n) && !Number.isFinite(n)) return `found ${t.startsWith('-') ? '-' : ''}infinity (${where}): values must be finite numbers`;
  return `expected a number, found ${quoteForMessage(text)}`;
}

export function describe(c: Cell): string {
  if (c === null) return 'null';
  if (c === undefined) return 'nothing';
  if (Array.isArray(c)) return `a list of ${c.length}`;
  if (typeof c === 'object') return 'an object';
  return quoteForMessage(String(c));
}

/** A negative whole label is most often a mask (PyTorch's ignore_index -100, Hugging Face's padded tokens). */
const ignoreHint = (v: number): string => `; if ${v} marks rows to leave out (PyTorch's ignore_index), read with --ignore-index ${v}`;
