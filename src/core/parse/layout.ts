/**
 * Layout inference: which field is the label, which hold predictions, what kind of loss and
 * input they imply, and the class names, decided from the names and the first rows, with every
 * decision written down as a sentence of evidence. Format-agnostic: CSV and JSON readers hand
 * over a small table of the first rows.
 */
import type { InputKind, LossKind } from '../types';
import type { FileFormat, LabelEncoding, Layout, LayoutOverrides, TargetKind } from './types';

/** A cell as read: CSV gives strings, JSON any value (numbers, arrays, strings, null). */
export type Cell = unknown;

export interface SampleTable {
  format: FileFormat;
  columns: string[];
  /** rows[r][c]: the value of columns[c] in sample row r (undefined when missing). */
  rows: Cell[][];
  /** The line where each sample row starts. */
  lines: number[];
  /** A `classes` / `class_names` / `label_names` field, when the file has one. */
  classNames?: string[];
  /**
   * Roles a reader worked out itself (a file without a header: which unnamed column is the
   * label), with the evidence for them. Taken like overrides, but said as the reader's guess.
   */
  hints?: LayoutHints;
}

export interface LayoutHints {
  labelColumn?: string;
  predColumns?: string[];
  evidence: string[];
}

/** Thrown when no layout can be made: the message names what is missing and how to say it. */
export class LayoutError extends Error {
  constructor(
    message: string,
    readonly line = 0,
  ) {
    super(message);
    this.name = 'LayoutError';
  }
}

export function normName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s\-.]+/g, '_');
}

/** In order of preference. */
export const LABEL_NAMES = [
  'label', 'labels', 'y', 'y_true', 'ytrue', 'target', 'targets', 'class', 'gt', 'true', 'truth',
  'ground_truth', 'groundtruth', 'label_ids', 'label_id', 'true_label', 'true_labels', 'true_class',
  'actual', 'y_test', 'class_id', 'label_idx', 'gold', 'gold_label',
];
export const PRED_NAMES = [
  'probs', 'probabilities', 'prob', 'proba', 'y_prob', 'y_proba', 'p', 'logits', 'logit', 'y_score',
  'score', 'scores', 'y_pred', 'pred', 'preds', 'prediction', 'predictions', 'outputs', 'output',
  'y_hat', 'yhat',
];
/** Prefixes of one-column-per-class prediction groups (`p_0`, `prob_cat`, `logit_3`). */
const PRED_PREFIXES = [
  'p', 'prob', 'probs', 'proba', 'probability', 'y_prob', 'y_proba', 'score', 'y_score', 'pred',
  'y_pred', 'logit', 'logits', 'output',
];
/** Prefixes of one-column-per-class target groups (`t_0`, `target_cat`, `y_true_2`). */
const TARGET_PREFIXES = ['t', 'y', 'y_true', 'target', 'targets', 'label', 'labels', 'true', 'gt', 'soft', 'soft_label'];
const WEIGHT_NAMES = ['weight', 'weights', 'sample_weight', 'sample_weights', 'w'];
const ID_NAMES = ['id', 'sample_id', 'idx', 'index', 'uid', 'guid', 'key', 'row_id', 'example_id', 'filename', 'file', 'path', 'image', 'name'];

/** Strings a label may use for true/false in binary files. */
const TRUE_WORDS = new Set(['true', 'yes', 'pos', 'positive']);
const FALSE_WORDS = new Set(['false', 'no', 'neg', 'negative']);

export function booleanWord(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return 1;
  if (FALSE_WORDS.has(t)) return 0;
  return undefined;
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

/** A numeric vector from a cell: a JSON array of numbers or text like `[0.1, 0.9]`. */
export function cellVector(c: Cell): number[] | undefined {
  let v: unknown = c;
  if (typeof c === 'string') {
    const t = c.trim();
    if (!t.startsWith('[')) return undefined;
    try {
      v = JSON.parse(t);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

/** A field holds vectors when most sampled values are vectors (one odd row is reported, not followed). */
function mostlyVectors(cells: Cell[]): boolean {
  let vectors = 0;
  let numbers = 0;
  for (const c of cells) {
    if (cellVector(c) !== undefined) vectors++;
    else if (cellNumber(c) !== undefined) numbers++;
  }
  return vectors > numbers;
}

interface Group {
  prefix: string;
  columns: string[];
  suffixes: string[];
}

/** Columns sharing a known prefix: `p_0, p_1, ...`, `prob_cat, prob_dog`, `logit0, logit1`. */
function findGroups(columns: string[], prefixes: string[], exclude: Set<string>): Group[] {
  const groups = new Map<string, Group>();
  for (const col of columns) {
    if (exclude.has(col)) continue;
    const n = normName(col);
    for (const prefix of prefixes) {
      if (!n.startsWith(prefix) || n.length === prefix.length) continue;
      let suffix = col.trim().slice(prefix.length);
      if (suffix.startsWith('_') || suffix.startsWith('-') || suffix.startsWith('.')) suffix = suffix.slice(1);
      else if (!/^\d+$/.test(suffix)) continue; // `prob` + `cat` needs a separator; `p0` does not
      if (suffix === '') continue;
      const g = groups.get(prefix) ?? { prefix, columns: [], suffixes: [] };
      g.columns.push(col);
      g.suffixes.push(suffix);
      groups.set(prefix, g);
    }
  }
  // The longest prefix wins a column (`y_pred_0` belongs to y_pred, not y).
  const owner = new Map<string, string>();
  for (const g of groups.values()) {
    for (const col of g.columns) {
      const prev = owner.get(col);
      if (prev === undefined || g.prefix.length > prev.length) owner.set(col, g.prefix);
    }
  }
  const out: Group[] = [];
  for (const g of groups.values()) {
    const keep = g.columns.map((c, i) => [c, g.suffixes[i]!] as const).filter(([c]) => owner.get(c) === g.prefix);
    if (keep.length >= 2) out.push({ prefix: g.prefix, columns: keep.map(([c]) => c), suffixes: keep.map(([, s]) => s) });
  }
  return out.sort((a, b) => b.columns.length - a.columns.length);
}

function findByNames(columns: string[], names: string[], exclude: Set<string>): string | undefined {
  for (const want of names) {
    const hit = columns.find((c) => !exclude.has(c) && normName(c) === want);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function requireColumn(columns: string[], name: string, what: string): string {
  const exact = columns.find((c) => c === name) ?? columns.find((c) => normName(c) === normName(name));
  if (exact === undefined) {
    throw new LayoutError(`${what} "${name}" not found; the columns are: ${columns.join(', ')}`);
  }
  return exact;
}

const ROW_SUM_TOLERANCE = 1e-3;

/**
 * Infers the layout of a table sample. Throws LayoutError when no label or prediction column can
 * be found (the message lists the columns and the override to use).
 */
export function inferLayout(table: SampleTable, overrides: LayoutOverrides = {}): Layout {
  const { columns, rows, lines } = table;
  const evidence: string[] = [];
  const colIndex = new Map(columns.map((c, i) => [c, i]));
  const values = (col: string): Cell[] => {
    const i = colIndex.get(col)!;
    return rows.map((r) => r[i]);
  };

  // 1. The label.
  let labelColumn: string | undefined;
  let targetColumns: string[] | undefined;
  const hints = table.hints;
  if (hints !== undefined) evidence.push(...hints.evidence);
  if (overrides.labelColumn !== undefined) {
    labelColumn = requireColumn(columns, overrides.labelColumn, 'label column');
    evidence.push(`label column "${labelColumn}" (set by the user)`);
  } else if (hints?.labelColumn !== undefined) {
    labelColumn = requireColumn(columns, hints.labelColumn, 'label column');
  } else {
    labelColumn = findByNames(columns, LABEL_NAMES, new Set());
    if (labelColumn !== undefined) evidence.push(`label column "${labelColumn}" (a usual name for labels)`);
  }
  const excluded = new Set<string>(labelColumn === undefined ? [] : [labelColumn]);

  // 2. The predictions.
  let predictionColumns: string[] | undefined;
  let predIsVector = false;
  let groupSuffixes: string[] | undefined;
  let predNameHint: InputKind | undefined;
  const hintFromName = (name: string): InputKind | undefined =>
    /logit/i.test(name) ? 'logits' : /prob|^p(_|$)/i.test(name) ? 'probs' : undefined;
  if (overrides.predColumns !== undefined && overrides.predColumns.length > 0) {
    predictionColumns = overrides.predColumns.map((c) => requireColumn(columns, c, 'prediction column'));
    evidence.push(`prediction columns ${predictionColumns.map((c) => `"${c}"`).join(', ')} (set by the user)`);
  } else if (hints?.predColumns !== undefined && hints.predColumns.length > 0) {
    predictionColumns = hints.predColumns.map((c) => requireColumn(columns, c, 'prediction column'));
  } else {
    const groups = findGroups(columns, PRED_PREFIXES, excluded);
    const single = findByNames(columns, PRED_NAMES, excluded);
    const singleIsVector = single !== undefined && mostlyVectors(values(single));
    if (single !== undefined && (singleIsVector || groups.length === 0)) {
      predictionColumns = [single];
      evidence.push(
        singleIsVector
          ? `prediction field "${single}" holds a vector per row (a usual name for predictions)`
          : `prediction column "${single}" (a usual name for predictions)`,
      );
    } else if (groups.length > 0) {
      const g = groups[0]!;
      predictionColumns = g.columns;
      groupSuffixes = g.suffixes;
      evidence.push(
        `prediction columns ${g.columns[0]} .. ${g.columns[g.columns.length - 1]} (${g.columns.length} columns named ${g.prefix}_*)`,
      );
    }
  }
  if (predictionColumns !== undefined) {
    for (const c of predictionColumns) excluded.add(c);
    predIsVector = predictionColumns.length === 1 && mostlyVectors(values(predictionColumns[0]!));
    predNameHint = hintFromName(predictionColumns[0]!);
  }

  // Targets in several columns (soft labels), when no single label column exists.
  if (labelColumn === undefined) {
    const tg = findGroups(columns, TARGET_PREFIXES, excluded);
    const k = predIsVector ? undefined : predictionColumns?.length;
    const fit = tg.find((g) => k === undefined || g.columns.length === k) ?? tg[0];
    if (fit !== undefined) {
      targetColumns = fit.columns;
      labelColumn = fit.columns[0]!;
      for (const c of fit.columns) excluded.add(c);
      evidence.push(`target columns ${fit.columns[0]} .. ${fit.columns[fit.columns.length - 1]} (${fit.columns.length} columns named ${fit.prefix}_*)`);
      groupSuffixes ??= fit.suffixes;
    }
  }
  if (labelColumn === undefined) {
    throw new LayoutError(
      `no label column found (looked for ${LABEL_NAMES.slice(0, 12).join(', ')}, ...); the columns are: ${columns.join(', ')}. Name the label column with the labelColumn option`,
    );
  }
  const labelValues = values(labelColumn);

  // Class names: a classes field, or names used by string labels.
  let classNames: string[] | undefined;
  if (overrides.classNames !== undefined) {
    classNames = [...overrides.classNames];
    evidence.push(`class names ${classNames.join(', ')} (set by the user)`);
  } else if (table.classNames !== undefined) {
    classNames = table.classNames;
    evidence.push(`class names ${classNames.join(', ')} (from the file's class names field)`);
  }

  // Label encoding, looked at on the sample.
  let labelEncoding: LabelEncoding = 'index';
  let isName: ((name: string) => boolean) | undefined;
  const present = labelValues.filter((v) => v !== undefined && v !== null && v !== '');
  if (targetColumns !== undefined) {
    labelEncoding = 'vector';
  } else if (present.some((v) => cellVector(v) !== undefined || Array.isArray(v))) {
    labelEncoding = present.every((v) => cellVector(v) !== undefined || (Array.isArray(v) && v.length === 0))
      ? 'vector'
      : 'names';
  } else if (present.some((v) => cellNumber(v) === undefined && booleanWord(String(v)) === undefined)) {
    // Text labels: one name each, or a list of names (multi-label). Names the header or the user
    // gave already decide whether a space separates two names or sits inside one.
    const known = new Set([...(classNames ?? []), ...(groupSuffixes ?? []), ...columns.filter((c) => !excluded.has(c))].map((n) => n.trim()));
    isName = (n) => known.has(n);
    const lists = present.map((v) => namesList(v, isName) ?? []);
    labelEncoding = lists.some((l) => l.length !== 1) || present.some((v) => typeof v === 'string' && v.trim().startsWith('['))
      ? 'names'
      : 'name';
  } else if (present.length > 0 && present.every((v) => typeof v === 'string' && booleanWord(v) !== undefined)) {
    evidence.push(`labels are true/false words in "${labelColumn}": read as 1/0`);
  }

  // Columns named after the classes string labels use.
  if (predictionColumns === undefined && (labelEncoding === 'name' || labelEncoding === 'names')) {
    const names = new Set<string>();
    for (const v of present) for (const n of labelEncoding === 'name' ? [String(v).trim()] : namesList(v, isName) ?? []) names.add(n);
    const named = columns.filter((c) => !excluded.has(c) && names.has(c.trim()));
    const namedNorm = columns.filter((c) => !excluded.has(c) && [...names].some((n) => normName(n) === normName(c)));
    const hit = named.length >= 2 ? named : namedNorm.length >= 2 ? namedNorm : undefined;
    if (hit !== undefined) {
      predictionColumns = hit;
      groupSuffixes = hit.map((c) => c.trim());
      for (const c of hit) excluded.add(c);
      evidence.push(`prediction columns ${hit.join(', ')} (named after the class names the labels use)`);
    }
  }

  const weightColumn =
    overrides.weightColumn !== undefined
      ? requireColumn(columns, overrides.weightColumn, 'weight column')
      : findByNames(columns, WEIGHT_NAMES, excluded);
  if (weightColumn !== undefined) {
    excluded.add(weightColumn);
    evidence.push(`sample weights from column "${weightColumn}"`);
  }
  const idColumn = findByNames(columns, ID_NAMES, excluded);
  if (idColumn !== undefined) excluded.add(idColumn);

  if (predictionColumns === undefined) {
    // Last resort: the remaining numeric columns.
    const numeric = columns.filter(
      (c) => !excluded.has(c) && values(c).length > 0 && values(c).every((v) => cellNumber(v) !== undefined || cellVector(v) !== undefined),
    );
    if (numeric.length === 0) {
      throw new LayoutError(
        `no prediction column found (looked for ${PRED_NAMES.slice(0, 10).join(', ')}, p_0.., prob_*, logit_*, ...); the columns are: ${columns.join(', ')}. Name them with the predColumns option`,
      );
    }
    predictionColumns = numeric;
    predIsVector = numeric.length === 1 && mostlyVectors(values(numeric[0]!));
    evidence.push(`no prediction column has a usual name: using the numeric column${numeric.length > 1 ? 's' : ''} ${numeric.join(', ')}`);
  }

  // Width of the prediction vectors.
  let width = predictionColumns.length;
  if (predIsVector) {
    const lens = values(predictionColumns[0]!).map((v) => cellVector(v)?.length).filter((n): n is number => n !== undefined);
    width = lens[0] ?? 1;
  }

  // Class names from the column names (p_cat -> cat), else from string labels in sorted order.
  const numericSuffixes = groupSuffixes?.every((s, i) => s === String(i)) ?? false;
  const textLabels = labelEncoding === 'name' || labelEncoding === 'names';
  // `p_0, p_1` name no classes when the labels are words: then the labels name them (below).
  if (classNames === undefined && groupSuffixes !== undefined && groupSuffixes.length === width && !(numericSuffixes && textLabels)) {
    classNames = groupSuffixes;
    if (!numericSuffixes) evidence.push(`class names ${classNames.join(', ')} (from the prediction column names)`);
  }
  if (classNames === undefined && (labelEncoding === 'name' || labelEncoding === 'names')) {
    const names = new Set<string>();
    for (const v of present) for (const n of labelEncoding === 'name' ? [String(v).trim()] : namesList(v, isName) ?? []) names.add(n);
    classNames = [...names].sort();
    evidence.push(
      `class names ${classNames.join(', ')}: the distinct labels of the first ${rows.length} rows in sorted order (a name first seen later is an error; set classNames to fix the order)`,
    );
  }

  // 3. The kind of loss and of target.
  let kind: LossKind;
  let targetKind: TargetKind = 'sparse';
  const targetVectors: number[][] = [];
  const targetLines: number[] = [];
  if (labelEncoding === 'vector') {
    for (let r = 0; r < rows.length; r++) {
      const v = targetColumns !== undefined ? targetColumns.map((c) => cellNumber(rows[r]![colIndex.get(c)!])) : cellVector(labelValues[r]);
      if (v !== undefined && v.every((x) => x !== undefined)) {
        targetVectors.push(v as number[]);
        targetLines.push(lines[r]!);
      }
    }
    const binary = targetVectors.every((v) => v.every((x) => x === 0 || x === 1)) as boolean;
    const sumsToOne = targetVectors.every((v) => Math.abs(sum(v) - 1) <= ROW_SUM_TOLERANCE);
    if (binary && sumsToOne) {
      targetKind = 'onehot';
      kind = 'ce';
      evidence.push('targets are one-hot vectors (one 1 per row): categorical cross-entropy');
    } else if (binary) {
      targetKind = 'multihot';
      kind = 'multilabel';
      const r = targetVectors.findIndex((v) => sum(v) !== 1);
      evidence.push(`targets are 0/1 vectors with ${r >= 0 ? `${sum(targetVectors[r]!)} ones on line ${targetLines[r]}` : 'any number of ones'}: multi-label (one sigmoid per label)`);
    } else if (sumsToOne) {
      targetKind = 'soft';
      kind = 'ce';
      evidence.push('targets are soft probability vectors (each row sums to 1): categorical cross-entropy with soft targets');
    } else {
      targetKind = 'soft';
      kind = 'multilabel';
      evidence.push('targets are vectors in [0, 1] whose rows do not sum to 1: multi-label with soft targets');
    }
  } else if (labelEncoding === 'names') {
    kind = 'multilabel';
    targetKind = 'multihot';
    evidence.push(`labels in "${labelColumn}" are lists of class names: multi-label (one sigmoid per label)`);
  } else if (width === 1 && !predIsVector) {
    kind = 'bce';
    const nums = present.map((v) => cellNumber(v) ?? (typeof v === 'string' ? booleanWord(v) : undefined));
    const soft = nums.some((x) => x !== undefined && x > 0 && x < 1);
    targetKind = soft ? 'soft' : 'sparse';
    evidence.push(`one prediction per row: binary cross-entropy${soft ? ' with soft targets (labels strictly between 0 and 1)' : ''}`);
    if (labelEncoding === 'name' && classNames !== undefined && classNames.length === 2) {
      evidence.push(`label "${classNames[1]}" read as 1 and "${classNames[0]}" as 0`);
    }
  } else {
    kind = 'ce';
    targetKind = 'sparse';
    evidence.push(`${width} predictions per row and one class per label: categorical cross-entropy`);
  }
  if (overrides.kind !== undefined && overrides.kind !== kind) {
    evidence.push(`kind ${overrides.kind} (set by the user; the file looked like ${kind})`);
    kind = overrides.kind;
    if (kind === 'multilabel' && targetKind === 'onehot') targetKind = 'multihot';
    if (kind === 'ce' && targetKind === 'multihot') targetKind = 'soft';
  }
  if (kind === 'bce' && width !== 1) {
    throw new LayoutError(`kind bce needs one prediction per row; found ${width} (${predictionColumns.join(', ')})`);
  }
  if (classNames === undefined) classNames = Array.from({ length: kind === 'bce' ? 2 : width }, (_, i) => String(i));
  const numClasses = kind === 'bce' ? 1 : width;
  if (kind !== 'bce' && classNames.length !== width) {
    throw new LayoutError(
      `${classNames.length} class names (${classNames.join(', ')}) but ${width} predictions per row`,
    );
  }

  // Hard predictions (predicted class indices) are a common mix-up with scores.
  if (width === 1 && !predIsVector && overrides.input === undefined) {
    const col = predictionColumns[0]!;
    const preds = values(col).map(cellNumber).filter((x): x is number => x !== undefined);
    if (preds.length > 0 && preds.every((x) => Number.isInteger(x) && x >= 0)) {
      const max = Math.max(...preds);
      if (max > 1) {
        throw new LayoutError(
          `column ${col} holds whole numbers up to ${max}: predicted class labels, not probabilities or logits; cross-entropy needs a score per class (name those columns with predColumns)`,
        );
      }
      evidence.push(`warning: every value of ${col} in the first ${preds.length} rows is exactly 0 or 1: hard predictions give infinite losses wherever they are wrong`);
    }
  }

  // 4. Probabilities or logits.
  let input: InputKind;
  if (overrides.input !== undefined) {
    input = overrides.input;
    evidence.push(`input read as ${input === 'probs' ? 'probabilities' : 'logits'} (set by the user)`);
  } else {
    input = decideInput(table, predictionColumns, predIsVector, kind, predNameHint, colIndex, evidence);
  }

  return {
    format: table.format,
    kind,
    input,
    labelColumn,
    targetColumns,
    labelEncoding,
    targetKind,
    predictionColumns,
    predictionIsVector: predIsVector,
    classNames,
    numClasses,
    weightColumn,
    idColumn,
    columns,
    evidence,
  };
}

/**
 * Probabilities or logits, by majority so that one bad value in a probability file is reported as
 * a problem rather than flipping the whole file to logits: logits when more than half of the
 * sampled rows have a value outside [0, 1], or (ce) do not sum to 1.
 */
function decideInput(
  table: SampleTable,
  predictionColumns: string[],
  predIsVector: boolean,
  kind: LossKind,
  nameHint: InputKind | undefined,
  colIndex: Map<string, number>,
  evidence: string[],
): InputKind {
  const { rows, lines } = table;
  let outside = 0;
  let firstOutside: { line: number; column: string; value: number } | undefined;
  let notOne = 0;
  let firstNotOne: { line: number; sum: number } | undefined;
  let checked = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let vec: (number | undefined)[];
    if (predIsVector) vec = cellVector(row[colIndex.get(predictionColumns[0]!)!]) ?? [];
    else vec = predictionColumns.map((c) => cellNumber(row[colIndex.get(c)!]));
    if (vec.length === 0 || vec.some((x) => x === undefined)) continue;
    checked++;
    let total = 0;
    let out = -1;
    for (let k = 0; k < vec.length; k++) {
      const x = vec[k]!;
      if ((x < 0 || x > 1) && out < 0) out = k;
      total += x;
    }
    if (out >= 0) {
      outside++;
      firstOutside ??= {
        line: lines[r]!,
        column: predIsVector ? `field ${predictionColumns[0]}[${out}]` : `column ${predictionColumns[out]}`,
        value: vec[out]!,
      };
    } else if (kind === 'ce' && Math.abs(total - 1) > ROW_SUM_TOLERANCE) {
      notOne++;
      firstNotOne ??= { line: lines[r]!, sum: total };
    }
  }
  const rowsText = (n: number): string => `${n} of the first ${checked} rows`;
  if (firstOutside !== undefined && outside * 2 > checked) {
    evidence.push(
      `values outside [0, 1] in ${rowsText(outside)}, first in ${firstOutside.column} (line ${firstOutside.line}: ${firstOutside.value}): read as logits`,
    );
    return 'logits';
  }
  if (firstNotOne !== undefined && (outside + notOne) * 2 > checked) {
    evidence.push(
      `values in [0, 1] but ${rowsText(notOne)} do not sum to 1 (line ${firstNotOne.line} sums to ${round(firstNotOne.sum)}): read as logits`,
    );
    return 'logits';
  }
  if (nameHint === 'logits') {
    evidence.push(`values in [0, 1] but the columns are named ${predictionColumns[0]}: read as logits`);
    return 'logits';
  }
  let text =
    kind === 'ce'
      ? `values in [0, 1] and rows summing to 1 (within ${ROW_SUM_TOLERANCE}) in ${rowsText(checked - outside - notOne)}: read as probabilities`
      : `values in [0, 1] in ${rowsText(checked - outside)}: read as probabilities`;
  if (firstOutside !== undefined) text += ` (line ${firstOutside.line} has ${firstOutside.value} in ${firstOutside.column}, reported as a problem; if these are logits, read with input=logits)`;
  else if (firstNotOne !== undefined) text += ` (line ${firstNotOne.line} sums to ${round(firstNotOne.sum)})`;
  evidence.push(text);
  return 'probs';
}

function sum(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s;
}

function round(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}
