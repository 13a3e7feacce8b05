/**
 * Layout inference: which field is the label, which hold predictions, what kind of loss and
 * input they imply, and the class names, decided from the names and the first rows, with every
 * decision written down as a sentence of evidence. Format-agnostic: CSV and JSON readers hand
 * over a small table of the first rows.
 *
 * The rules, in the order they apply (README, "How Loss Lens reads your file"):
 * - pandas' row index (an unnamed or `Unnamed: N` column of whole numbers) is never a prediction;
 *   nor is a column of predicted classes (`y_pred`, `pred`, ...) beside the scores;
 * - the class set comes from the prediction columns, never from the labels seen in the first rows;
 *   labels are matched to the columns' names (`cat`, `yes`, `1`), unnamed columns count from 0;
 * - a choice the evidence does not settle is said as an assumption, with the other reading.
 */
import type { InputKind, LossKind } from '../types';
import { booleanWord, cellNumber, cellVector, defaultLabelOrder, elidedNumpyVector, isBlank, mostlyVectors, namesList, normName, numberKey, oppositeWord, type Cell } from './cells';
import { checkSortedOrder, sortedOrderContradicted } from './class-order';
import { classNamesFlag, columnFlag } from './flags';
import { decideInput } from './infer-input';
import type { Assumption, FileFormat, LabelEncoding, Layout, LayoutOverrides, TargetKind } from './types';


export interface SampleTable {
  format: FileFormat;
  columns: string[];
  /** rows[r][c]: the value of columns[c] in sample row r (undefined when missing). */
  rows: Cell[][];
  /** The line where each sample row starts. */
  lines: number[];
  /** A `classes` / `class_names` / `label_names` field, when the file has one. */
  classNames?: string[];
  /** Where classNames came from, for the evidence (default: the file's class names field). */
  classNamesFrom?: string;
  /**
   * Roles a reader worked out itself (a file without a header: which unnamed column is the
   * label), with the evidence for them. Taken like overrides, but said as the reader's guess.
   */
  hints?: LayoutHints;
}

export interface LayoutHints {
  labelColumn?: string;
  predColumns?: string[];
  /**
   * The field whose labels name predColumns' classes (pipeline output), when their order is the
   * reader's (sorted), not the model's: class names given by the user reorder predColumns, and
   * class ids as labels cannot be placed without them.
   */
  byName?: string;
  evidence: string[];
  /** The records were lm-eval samples, read through lmEvalChoices (Layout.lmEvalChoices). */
  lmEval?: boolean;
}

/** Thrown when no layout can be made: the message names what is missing and the flag that says it. */
export class LayoutError extends Error {
  /** The columns the layout could not be made of (set by inferLayout), for a picker to offer. */
  columns?: string[];

  constructor(
    message: string,
    readonly line = 0,
    /** The cell the refusal is about, when one is (its row in the sample, its column's index): the reader turns it into a column of the line. */
    readonly cell?: { row: number; column: number },
  ) {
    super(message);
    this.name = 'LayoutError';
  }
}

/** The first row at or after `from` whose cell in column `ci` passes `test`, as a LayoutError cell; undefined if none. */
function cellWhere(rows: Cell[][], ci: number, test: (c: Cell) => boolean): { row: number; column: number } | undefined {
  const r = rows.findIndex((row) => test(row[ci]));
  return r < 0 ? undefined : { row: r, column: ci };
}

/**
 * lm-evaluation-harness' samples_<task>_<date>.jsonl (--log_samples): a record per question and
 * filter, "filtered_resps" a list per choice of [loglikelihood, is_greedy] written as strings
 * (utils.sanitize_list) for multiple-choice tasks, the generated text for generation tasks. Not
 * read: the refusal says how to write the choices' loglikelihoods as logits, which are read.
 */
function lmEvalRefusal(columns: string[], rows: Cell[][]): LayoutError | undefined {
  const ci = columns.indexOf('filtered_resps');
  if (ci < 0 || !columns.includes('doc_id') || !columns.includes('target')) return undefined;
  const first = rows.findIndex((r) => Array.isArray(r[ci]));
  if (first < 0) return undefined;
  const resps = rows[first]![ci] as Cell[];
  // Read through lmEvalChoices already: the loglikelihoods alone.
  if (resps.every((c) => typeof c === 'number')) return undefined;
  const choices = resps.every((c) => Array.isArray(c) && c.length === 2);
  const cell = { row: first, column: ci };
  if (!choices) {
    return new LayoutError(
      'lm-evaluation-harness samples of a generation task (--log_samples): "filtered_resps" holds the generated text, no score per class, so there is no cross-entropy to compute',
      0,
      cell,
    );
  }
  // Why the records were not read through lmEvalChoices (records.ts): the first reason found.
  const counts = new Set(rows.map((r) => r[ci]).filter((c): c is Cell[] => Array.isArray(c)).map((c) => c.length));
  const ti = columns.indexOf('target');
  const mi = columns.indexOf('metrics');
  const badTarget = rows.map((r) => r[ti]).find((t) => typeof t !== 'string' || !/^\d+$/.test(t));
  const mutual = mi >= 0 && rows.some((r) => Array.isArray(r[mi]) && (r[mi] as Cell[]).includes('acc_mutual_info'));
  const half = mutual ? '[:len(r[\'filtered_resps\']) // 2]' : '';
  const reason =
    counts.size > 1
      ? `the questions have ${[...counts].sort((a, b) => a - b).join(', ')} choices, and questions with different numbers of choices share no class set: keep those with as many together`
      : mutual
        ? 'acc_mutual_info is among the metrics: "filtered_resps" holds the choices\' loglikelihoods, then their unconditional ones; the first half are the choices'
        : badTarget !== undefined
          ? `"target" is ${JSON.stringify(badTarget)}, not the index of a choice`
          : 'a loglikelihood is not a number';
  // A choice's text as the target: its index among the continuations asked (arguments' arg_1, after the delimiter).
  const label = counts.size === 1 && !mutual && badTarget !== undefined ? "[a['arg_1'].strip() for a in r['arguments'].values()].index(r['target'].strip())" : "int(r['target'])";
  const script = `python -c "import json,sys; [print(json.dumps({'label': ${label}, 'logits': [float(x[0]) for x in r['filtered_resps']${half}]})) for r in map(json.loads, open(sys.argv[1]))]" FILE > choices.jsonl`;
  return new LayoutError(
    `lm-evaluation-harness samples of a multiple-choice task (--log_samples): "filtered_resps" holds [loglikelihood, is_greedy] per choice (${resps.length} on this line), read when every question has as many choices and "target" is the right choice's index; here ${reason}. ` +
      'The loss over the choices is the cross-entropy of the softmax of the loglikelihoods against "target" (unnormalised loglikelihoods are logits up to a constant; acc_norm\'s length normalisation is not that loss). ' +
      `Write them as logits, a line per question: ${script}`,
    0,
    cell,
  );
}

/** In order of preference. */
export const LABEL_NAMES = [
  'label', 'labels', 'y', 'y_true', 'ytrue', 'target', 'targets', 'class', 'gt', 'true', 'truth',
  'ground_truth', 'groundtruth', 'label_ids', 'label_id', 'true_label', 'true_labels', 'true_class',
  'actual', 'y_test', 'class_id', 'label_idx', 'gold', 'gold_label', 'true_y', 'y_actual',
];
export const PRED_NAMES = [
  'probs', 'probabilities', 'prob', 'proba', 'y_prob', 'y_proba', 'p', 'logits', 'logit', 'y_score',
  'score', 'scores', 'y_pred', 'pred', 'preds', 'prediction', 'predictions', 'outputs', 'output',
  'y_hat', 'yhat', 'softmax', 'decision_function', 'decision',
];
/** Names of a column of predicted classes when it holds whole numbers or class names. */
const HARD_PRED_NAMES = [
  'y_pred', 'pred', 'preds', 'prediction', 'predictions', 'predicted', 'predicted_label', 'predicted_labels', 'predicted_class',
  'pred_label', 'pred_class', 'pred_id', 'pred_idx', 'y_hat', 'yhat', 'argmax', 'predicted_id', 'predicted_index', 'prediction_label',
];
/** Prefixes of one-column-per-class prediction groups (`p_0`, `prob_cat`, `logit_3`). */
const PRED_PREFIXES = [
  'p', 'prob', 'probs', 'proba', 'probability', 'y_prob', 'y_proba', 'score', 'y_score', 'pred',
  'y_pred', 'logit', 'logits', 'output', 'softmax', 'class', 'cls',
];
const WEAK_PREFIXES = new Set(['class', 'cls']);
/** Prefixes of one-column-per-class target groups (`t_0`, `target_cat`, `y_true_2`). */
const TARGET_PREFIXES = ['t', 'y', 'y_true', 'target', 'targets', 'label', 'labels', 'true', 'gt', 'soft', 'soft_label'];
/** Suffixes pairing a multi-label target column with its prediction (`action` + `action_prob`). */
const PRED_SUFFIXES = ['prob', 'proba', 'probability', 'p', 'pred', 'score', 'logit', 'prediction', 'hat'];
const WEIGHT_NAMES = ['weight', 'weights', 'sample_weight', 'sample_weights', 'w'];
/**
 * Names of a column naming each sample, in order of preference: what pandas (`index` after
 * reset_index), Hugging Face datasets (`idx` in GLUE, `id` in SQuAD, `guid`, `example_id`,
 * `image_id`, `file_name` in imagefolder, `path` in audio sets) and torchvision scripts (ImageFolder's
 * sample paths) write. Besides these: `*_id`, `*Id`, `*_uid`, `*_key`, `*_path`, `*_file`,
 * `*_filename` (idLikeName).
 */
const ID_NAMES = [
  'id', 'sample_id', 'example_id', 'row_id', 'uid', 'uuid', 'guid', 'qid', 'idx', 'index', 'key', 'sample',
  'example', 'filename', 'file_name', 'file', 'filepath', 'file_path', 'path', 'image', 'image_path', 'img', 'img_path',
  'image_name', 'img_name', 'name', 'url',
];
/** Names that say "id" outright: a repeated value under them is a broken id (refused when matching, both lines named), not a group. */
const PLAIN_ID_NAMES = new Set(ID_NAMES.slice(0, ID_NAMES.indexOf('sample')));
/** The first word of a `*_id` name that makes it a class, a label or a prediction, not a sample's name. */
const NOT_ID_STEMS = new Set(['label', 'labels', 'class', 'cls', 'target', 'targets', 'pred', 'predicted', 'prediction', 'y', 'true', 'gt', 'gold', 'category', 'token', 'input', 'output']);
/** Numeric columns that sit beside the scores and are never a class. */
const META_NAMES = new Set([
  'confidence', 'max_prob', 'max_proba', 'prob_max', 'p_max', 'top_prob', 'max_score', 'entropy', 'loss', 'nll', 'margin',
  'epoch', 'step', 'fold', 'split', 'correct', 'is_correct', 'rank', 'seed', 'time', 'timestamp', 'batch', 'n', 'count',
  'sum', 'total', 'prob_sum', 'sum_prob', 'argmax',
]);
/** What follows a prediction prefix but names no class (`prob_max`, `p_sum`). */
const META_SUFFIXES = new Set(['max', 'min', 'sum', 'total', 'top', 'top1', 'argmax', 'mean', 'entropy']);

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
      if (suffix.startsWith('_') || suffix.startsWith('-') || suffix.startsWith('.') || suffix.startsWith(' ')) suffix = suffix.slice(1);
      else if (!/^\d+$/.test(suffix)) continue; // `prob` + `cat` needs a separator; `p0` does not
      if (suffix === '' || META_SUFFIXES.has(suffix.toLowerCase())) continue;
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
  // `class_1..` names classes more than it says scores: any other group comes first.
  const weak = (g: Group): number => (WEAK_PREFIXES.has(g.prefix) ? 1 : 0);
  return out.sort((a, b) => weak(a) - weak(b) || b.columns.length - a.columns.length);
}

/** `action` + `action_prob` (or `_p`, `_pred`, ...): multi-label targets paired with their scores by name. */
function findSuffixPairs(columns: string[], exclude: Set<string>): { targets: string[]; preds: string[] } | undefined {
  const byNorm = new Map(columns.filter((c) => !exclude.has(c)).map((c) => [normName(c), c]));
  const targets: string[] = [];
  const preds: string[] = [];
  for (const [n, c] of byNorm) {
    for (const s of PRED_SUFFIXES) {
      const p = byNorm.get(`${n}_${s}`);
      if (p !== undefined) {
        targets.push(c);
        preds.push(p);
        break;
      }
    }
  }
  return targets.length >= 2 ? { targets, preds } : undefined;
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
    throw new LayoutError(`${what} "${name}" not found; the columns are: ${columnList(columns)}`);
  }
  return exact;
}

function columnList(columns: string[]): string {
  const shown = columns.slice(0, 30).map((c) => (c === '' ? '(unnamed)' : c));
  return shown.join(', ') + (columns.length > 30 ? `, ... (${columns.length} in all)` : '');
}

/** pandas' index as written by `to_csv()`: an unnamed first column, or `Unnamed: 0` after a round trip. */
function indexLike(name: string, cells: Cell[]): boolean {
  const n = name.trim();
  if (n !== '' && !/^unnamed: ?\d+$/i.test(n)) return false;
  const nums = cells.filter((c) => !isBlank(c)).map(cellNumber);
  if (nums.length === 0 || nums.some((x) => x === undefined || !Number.isInteger(x))) return false;
  return new Set(nums).size === nums.length;
}

/**
 * Row numbers or ids: every sampled value a distinct whole number, some above 1. Only with enough
 * rows to tell: 0, 1, 2 in a three-row file may be labels.
 */
function rowNumbersLike(cells: Cell[]): boolean {
  if (cells.length < 20) return false;
  const nums = cells.map(cellNumber);
  if (nums.some((x) => x === undefined || !Number.isInteger(x))) return false;
  return new Set(nums).size === nums.length && nums.some((x) => x! > 1);
}

/** A column of predicted classes: whole numbers or names (not vectors, not fractions). */
function hardLike(cells: Cell[]): boolean {
  const present = cells.filter((c) => !isBlank(c));
  if (present.length === 0) return false;
  return present.every((c) => {
    if (cellVector(c) !== undefined || Array.isArray(c)) return false;
    const x = cellNumber(c);
    return x === undefined ? typeof c === 'string' : Number.isInteger(x);
  });
}

/** An infinity as writers spell it in text: pandas and NumPy `inf`, `-inf`; `Infinity`. */
const INFINITY_WORD = /^[+-]?(inf|infinity)$/i;

const allNumeric = (cells: Cell[]): boolean => {
  const present = cells.filter((c) => !isBlank(c) && !missingNumber(c));
  return present.length > 0 && present.every((c) => cellNumber(c) !== undefined || cellVector(c) !== undefined);
};

/**
 * A missing value as writers spell it in a column of numbers (`na_rep='NaN'`, np.savetxt's `nan`,
 * R's `NA`, pandas' `<NA>`, str(None)): the column is still one of numbers, and the row is refused
 * at its line when read, not the column dropped from the classes.
 */
const missingNumber = (c: Cell): boolean => typeof c === 'string' && /^\s*(nan|<na>|na|null|none)\s*$/i.test(c);

/** The label's text as matched to class names. */
const labelText = (c: Cell): string => (typeof c === 'string' ? c.trim() : String(c));

/** Most sampled cells are lists whose items are lists (JSON `[[0.1, 0.9], ...]`). */
function listsOfLists(cells: Cell[]): boolean {
  const nested = cells.filter((c) => Array.isArray(c) && c.length > 0 && Array.isArray(c[0])).length;
  return nested > 0 && nested * 2 > cells.filter((c) => !isBlank(c)).length;
}

/** Integer names `0..K-1`, each at its own position: labels are then column indices as they are. */
const isIdentity = (names: string[]): boolean => names.every((n, i) => numberKey(n) === String(i));
const allNumberNames = (names: string[]): boolean => names.length > 0 && names.every((n) => numberKey(n) !== undefined);

/** The columns an id is never taken from, and what each is. */
function idRoles(label: string | undefined, weight: string | undefined, hard: string | undefined, preds: Set<string>): Map<string, string> {
  const roles = new Map<string, string>([...preds].map((c) => [c, 'a prediction column']));
  if (hard !== undefined) roles.set(hard, 'column of predicted classes');
  if (weight !== undefined) roles.set(weight, 'weight column');
  if (label !== undefined) roles.set(label, 'label column');
  return roles;
}

/** `email_id`, `imageId`, `doc_uid`, `img_path`: a usual id name, or a name built like one (not `label_id`, `pred_id`). */
function idLikeName(name: string): 'usual' | 'built' | undefined {
  const n = normName(name);
  if (ID_NAMES.includes(n)) return 'usual';
  const m = /^(.+?)_(id|uid|uuid|guid|key|path|file|filename|file_name|name)$/.exec(n) ?? /^(.*[a-z0-9])(Id|ID|Uid|Key|Path)$/.exec(name.trim());
  if (m === null) return undefined;
  const stem = normName(m[1]!).split('_')[0]!;
  return NOT_ID_STEMS.has(stem) || LABEL_NAMES.includes(normName(m[0]!)) || HARD_PRED_NAMES.includes(normName(m[0]!)) ? undefined : 'built';
}

/** Where the sampled values are the row numbers (0, 1, 2, ... or 1, 2, 3, ...): what any fresh frame's index holds. */
function rowNumbered(nums: number[]): boolean {
  return nums.length > 0 && (nums.every((x, i) => x === i) || nums.every((x, i) => x === i + 1));
}

/** A value each, none twice: the first repeat's two rows, or undefined. */
function firstRepeat(cells: Cell[]): [number, number] | undefined {
  const seen = new Map<string, number>();
  for (let r = 0; r < cells.length; r++) {
    const c = cells[r];
    if (isBlank(c)) continue;
    const key = typeof c === 'string' ? c.trim() : String(c);
    const at = seen.get(key);
    if (at !== undefined) return [at, r];
    seen.set(key, r);
  }
  return undefined;
}

/**
 * The column naming each sample, which files are matched by (compare, run): the user's, else one
 * with an id's name whose sampled values are text or whole numbers, none repeated (but under a
 * plain id name, `id`, `idx`, `key`...: there a repeat is refused when matching), else pandas'
 * index when it is not the row number (a shuffled or filtered frame's). Never the label, a weight,
 * predicted classes or a score (a fraction is a score); row numbers alone are no evidence of an id.
 * Said in the evidence, including a name passed over and why.
 */
function chooseIdColumn(
  columns: string[], values: (col: string) => Cell[], asked: string | undefined, roles: Map<string, string>, indexColumns: string[], evidence: string[],
): string | undefined {
  const quoted = (c: string) => (c === '' ? '"" (unnamed)' : `"${c}"`);
  if (asked !== undefined) {
    const col = requireColumn(columns, asked, 'id column');
    const role = roles.get(col);
    if (role !== undefined) throw new LayoutError(`id column "${col}" is the ${role}: name another with --id-column NAME; the columns are: ${columnList(columns)}`);
    evidence.push(`id column "${col}" (set by the user)`);
    return col;
  }
  const lines: string[] = [];
  const fits = (col: string, kind: 'usual' | 'built'): boolean => {
    const cells = values(col);
    const present = cells.filter((c) => !isBlank(c));
    if (present.length === 0) return false;
    const nums = present.map(cellNumber);
    const whole = nums.every((x) => x !== undefined && Number.isInteger(x));
    if (nums.some((x) => x !== undefined && !Number.isInteger(x)) || present.some((c) => typeof c === 'object')) return false;
    const repeat = PLAIN_ID_NAMES.has(normName(col)) ? undefined : firstRepeat(cells);
    if (repeat !== undefined) {
      lines.push(`column ${quoted(col)} has an id's name but repeats a value in the first rows (rows ${repeat[0] + 1} and ${repeat[1] + 1}): a group, not one sample each; not used as the id`);
      return false;
    }
    // Whole numbers under a built name (`intent_id`) may be classes: only with enough rows to tell.
    return kind === 'usual' || !whole || present.length >= 20;
  };
  const usual = ID_NAMES.flatMap((want) => columns.filter((c) => !roles.has(c) && normName(c) === want));
  const built = columns.filter((c) => !roles.has(c) && idLikeName(c) === 'built');
  for (const [col, kind] of [...usual.map((c) => [c, 'usual'] as const), ...built.map((c) => [c, 'built'] as const)]) {
    if (!fits(col, kind)) continue;
    const n = values(col).filter((c) => !isBlank(c)).length;
    const why = kind === 'usual' ? 'a usual name for ids' : 'its name is built like an id\'s';
    const distinct = firstRepeat(values(col)) === undefined ? `; its ${n} values in the first rows are distinct` : '';
    // Row numbers say nothing of which sample a row is: the name alone makes it an id, and the evidence says so.
    const nums = values(col).filter((c) => !isBlank(c)).map(cellNumber);
    const rowNumbers = nums.every((x) => x !== undefined) && rowNumbered(nums as number[]) ? `; they are the row numbers, which say nothing of the samples: matching by "${col}" is matching by order unless another file's rows are in another order` : '';
    evidence.push(...lines, `id column "${col}" (${why}${distinct}${rowNumbers}): files are matched by it (compare, run)`);
    return col;
  }
  for (const col of indexColumns) {
    const nums = values(col).filter((c) => !isBlank(c)).map((c) => cellNumber(c)!);
    if (rowNumbered(nums)) continue;
    evidence.push(...lines, `id column ${quoted(col)}: pandas' index, not the row numbers (a shuffled or filtered frame's row labels): files are matched by it (compare, run)`);
    return col;
  }
  evidence.push(...lines);
  return undefined;
}

/**
 * Overrides that also see the sample table each inference reads: a set of shards pools its files'
 * first rows (shards.ts) when none settles its layout alone. The readers pass overrides through whole.
 */
export interface SampleTap extends LayoutOverrides {
  onSample?: (table: SampleTable) => void;
}

/**
 * Infers the layout of a table sample. Throws LayoutError when no layout can be made (the message
 * says what was seen and which flag resolves it).
 */
export function inferLayout(table: SampleTable, overrides: SampleTap = {}): Layout {
  overrides.onSample?.(table);
  try {
    const layout = infer(table, overrides);
    if (table.hints?.lmEval === true) layout.lmEvalChoices = true;
    return layout;
  } catch (e) {
    if (e instanceof LayoutError) e.columns ??= table.columns;
    throw e;
  }
}

function infer(table: SampleTable, overrides: LayoutOverrides): Layout {
  const { columns } = table;
  let { rows, lines } = table;
  const evidence: string[] = [];
  const assumptions: Assumption[] = [];
  const colIndex = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!colIndex.has(c)) colIndex.set(c, i);
  });
  const values = (col: string): Cell[] => {
    const i = colIndex.get(col)!;
    return rows.map((r) => r[i]);
  };
  const sampled = `the first ${rows.length} rows`;

  // 0. Columns that are never predictions: pandas' index.
  const excluded = new Set<string>();
  const indexColumns = columns.filter((c) => c !== overrides.labelColumn && !(overrides.predColumns ?? []).includes(c) && indexLike(c, values(c)));
  for (const c of indexColumns) {
    excluded.add(c);
    evidence.push(`column ${c === '' ? '"" (unnamed)' : `"${c}"`} holds distinct whole numbers: a row index (as pandas' to_csv writes it), not a prediction`);
  }

  // Per-token records (token classification): a list of score vectors in one field is T samples, not one.
  const lmEval = lmEvalRefusal(columns, rows);
  if (lmEval !== undefined) throw new LayoutError(lmEval.message, lines[lmEval.cell!.row] ?? 0, lmEval.cell);
  const perToken = columns.find((c) => listsOfLists(values(c)));
  if (perToken !== undefined) {
    const cell = cellWhere(rows, colIndex.get(perToken)!, (c) => Array.isArray(c) && c.length > 0 && Array.isArray(c[0]))!;
    const cells = values(perToken).filter((c): c is Cell[] => Array.isArray(c));
    throw new LayoutError(
      `field "${perToken}" holds a list of ${cells[0]?.length ?? 0} score vectors a record: scores per token (token classification)? ` +
        'Loss Lens reads one sample a record: write one token a line ({"label": y, "logits": z} for each token, the padding\'s -100 left out with --ignore-index -100), ' +
        'or save the arrays with np.savez(path, predictions=..., label_ids=...), which is read one token a row',
      lines[cell.row] ?? 0,
      cell,
    );
  }

  for (const [ci, c] of columns.entries()) {
    const r = rows.findIndex((row) => elidedNumpyVector(row[ci]));
    if (r < 0) continue;
    throw new LayoutError(
      `column "${c}" holds a NumPy vector printed with "..." in its middle (NumPy shortens arrays over 1000 elements when it prints them): the scores are not in the file. ` +
        `Write them whole: import sys; np.set_printoptions(threshold=sys.maxsize) before to_csv, or save the arrays instead: np.save("probs.npy", proba); np.save("labels.npy", y)`,
      lines[r] ?? 0,
      { row: r, column: ci },
    );
  }

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
    labelColumn = findByNames(columns, LABEL_NAMES, excluded);
    if (labelColumn !== undefined) evidence.push(`label column "${labelColumn}" (a usual name for labels)`);
  }
  if (labelColumn === undefined && overrides.predColumns === undefined) {
    labelColumn = labelByValues(columns, values, excluded);
    if (labelColumn !== undefined) evidence.push(`label column "${labelColumn}": ${labelByValuesReason(columns, values(labelColumn), excluded, labelColumn)}`);
  }
  if (labelColumn !== undefined) excluded.add(labelColumn);
  // Rows whose label is the ignore index carry no class: they would only blur the rest of the inference.
  const ignoreIndex = overrides.ignoreIndex;
  if (labelColumn !== undefined && ignoreIndex !== undefined) {
    const li = colIndex.get(labelColumn)!;
    const kept = rows.map((_, i) => i).filter((i) => cellNumber(rows[i]![li]) !== ignoreIndex);
    if (kept.length > 0 && kept.length < rows.length) {
      const n = rows.length - kept.length;
      evidence.push(`${n} of ${sampled} ${n === 1 ? 'has' : 'have'} label ${ignoreIndex}, the ignore index: left out of the loss`);
      [rows, lines] = [kept.map((i) => rows[i]!), kept.map((i) => lines[i]!)];
    }
  }

  // A column of predicted classes beside the scores is a cross-check, not the prediction.
  let hardPredictionColumn: string | undefined;
  if (overrides.predColumns === undefined && hints?.predColumns === undefined) {
    const hard = columns.filter((c) => !excluded.has(c) && HARD_PRED_NAMES.includes(normName(c)) && hardLike(values(c)));
    const others = columns.filter((c) => !excluded.has(c) && !hard.includes(c) && allNumeric(values(c)));
    if (hard.length > 0 && others.length > 0) {
      hardPredictionColumn = hard[0];
      for (const c of hard) excluded.add(c);
      evidence.push(`column "${hard[0]}" holds predicted classes (whole numbers or names), not scores: not used for the loss`);
    }
  }

  // Row numbers under any name (`sample_nr`, `row`): distinct whole numbers beyond 0/1 are no scores.
  if (overrides.predColumns === undefined && hints?.predColumns === undefined) {
    for (const c of columns) {
      if (excluded.has(c) || !rowNumbersLike(values(c))) continue;
      excluded.add(c);
      evidence.push(`column "${c}" holds distinct whole numbers (row numbers or ids), not scores`);
    }
  }

  // Sample weights and a row name (`id`, `filename`) are never classes, whatever else is numeric.
  const userPreds = new Set(overrides.predColumns ?? hints?.predColumns ?? []);
  const weightColumn =
    overrides.weightColumn !== undefined
      ? requireColumn(columns, overrides.weightColumn, 'weight column')
      : findByNames(columns, WEIGHT_NAMES, new Set([...excluded, ...userPreds]));
  if (weightColumn !== undefined) {
    excluded.add(weightColumn);
    evidence.push(`sample weights from column "${weightColumn}"`);
  }
  const idColumn = chooseIdColumn(columns, values, overrides.idColumn, idRoles(labelColumn, weightColumn, hardPredictionColumn, userPreds), indexColumns, evidence);
  if (idColumn !== undefined) excluded.add(idColumn);

  // 2. The predictions.
  let predictionColumns: string[] | undefined;
  let predIsVector = false;
  let groupSuffixes: string[] | undefined;
  /** The prediction columns' names are the classes' names. */
  let namedByColumns: string[] | undefined;
  if (overrides.predColumns !== undefined && overrides.predColumns.length > 0) {
    predictionColumns = overrides.predColumns.map((c) => requireColumn(columns, c, 'prediction column'));
    evidence.push(`prediction columns ${predictionColumns.map((c) => `"${c}"`).join(', ')} (set by the user)`);
  } else if (hints?.predColumns !== undefined && hints.predColumns.length > 0) {
    predictionColumns = hints.predColumns.map((c) => requireColumn(columns, c, 'prediction column'));
    const named = table.classNames;
    if (hints.byName !== undefined && named !== undefined && overrides.classNames !== undefined) {
      // Scores found by label: the user's names say the classes' order, each score follows its name.
      const missing = overrides.classNames.filter((n) => !named.includes(n));
      if (missing.length > 0 || overrides.classNames.length !== named.length) {
        throw new LayoutError(
          `the class names given (${shortList(overrides.classNames)}) are not the labels of field "${hints.byName}" (${shortList(named)})${missing.length > 0 ? `: ${shortList(missing)} not among them` : ''}; give those labels, in the model's class order`,
        );
      }
      predictionColumns = overrides.classNames.map((n) => predictionColumns![named.indexOf(n)]!);
    }
  } else {
    const groups = findGroups(columns, PRED_PREFIXES, excluded);
    const single = findByNames(columns, PRED_NAMES, excluded);
    const singleIsVector = single !== undefined && mostlyVectors(values(single));
    const pairs = labelColumn === undefined ? findSuffixPairs(columns, excluded) : undefined;
    if (single !== undefined && (singleIsVector || (groups.length === 0 && pairs === undefined))) {
      predictionColumns = [single];
      evidence.push(
        singleIsVector
          ? `prediction field "${single}" holds a vector per row (a usual name for predictions)`
          : `prediction column "${single}" (a usual name for predictions)`,
      );
    } else if (pairs !== undefined && (groups.length === 0 || pairs.preds.length >= groups[0]!.columns.length)) {
      predictionColumns = pairs.preds;
      targetColumns = pairs.targets;
      labelColumn = pairs.targets[0]!;
      namedByColumns = pairs.targets.map((c) => c.trim());
      for (const c of pairs.targets) excluded.add(c);
      evidence.push(
        `target columns paired with prediction columns by name: ${pairs.targets.slice(0, 3).map((t, i) => `${t} + ${pairs.preds[i]}`).join(', ')}${pairs.targets.length > 3 ? ', ...' : ''} (${pairs.targets.length} pairs)`,
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
  }

  // A label column of class indices no usual name announces (`digit`), beside named score columns.
  if (labelColumn === undefined && predictionColumns !== undefined && overrides.predColumns === undefined) {
    const k = predIsVector ? (cellVector(values(predictionColumns[0]!).find((v) => cellVector(v) !== undefined))?.length ?? 0) : predictionColumns.length;
    const indexColumns = columns.filter((c) => {
      if (excluded.has(c) || ID_NAMES.includes(normName(c)) || META_NAMES.has(normName(c))) return false;
      const nums = values(c).filter((v) => !isBlank(v)).map(cellNumber);
      return nums.length > 0 && nums.every((x) => x !== undefined && Number.isInteger(x) && x >= 0 && x < Math.max(2, k));
    });
    if (indexColumns.length === 1) {
      labelColumn = indexColumns[0]!;
      excluded.add(labelColumn);
      evidence.push(`label column "${labelColumn}": the only column of whole numbers in 0..${Math.max(2, k) - 1} beside the ${k} score columns (no column has a usual label name)`);
    }
  }

  // Targets in several columns (soft labels, multi-label), when no single label column exists.
  if (labelColumn === undefined) {
    const tg = findGroups(columns, TARGET_PREFIXES, excluded);
    const k = predIsVector ? undefined : predictionColumns?.length;
    const sameSuffixes = (g: Group): boolean => groupSuffixes !== undefined && g.suffixes.length === groupSuffixes.length && g.suffixes.every((s) => groupSuffixes!.includes(s));
    const fit = tg.find(sameSuffixes) ?? tg.find((g) => k === undefined || g.columns.length === k) ?? tg[0];
    if (fit !== undefined) {
      // In the order of the prediction columns when both name the same classes.
      targetColumns = sameSuffixes(fit) ? groupSuffixes!.map((s) => fit.columns[fit.suffixes.indexOf(s)]!) : fit.columns;
      labelColumn = targetColumns[0]!;
      for (const c of fit.columns) excluded.add(c);
      evidence.push(`target columns ${targetColumns[0]} .. ${targetColumns[targetColumns.length - 1]} (${fit.columns.length} columns named ${fit.prefix}_*)`);
      groupSuffixes ??= fit.suffixes;
    }
  }
  if (labelColumn === undefined) {
    throw new LayoutError(
      `no label column found (looked for ${LABEL_NAMES.slice(0, 12).join(', ')}, ...); the columns are: ${columnList(columns)}. Name the label column with ${columnFlag('label-column', 'NAME')}`,
    );
  }
  const labelValues = values(labelColumn);
  const present = labelValues.filter((v) => !isBlank(v));

  // Class names given by the user or the file.
  let classNames: string[] | undefined;
  if (overrides.classNames !== undefined) {
    classNames = [...overrides.classNames];
    evidence.push(`class names ${classNames.join(', ')} (set by the user)`);
  } else if (table.classNames !== undefined) {
    classNames = table.classNames;
    evidence.push(`class names ${classNames.join(', ')} (${table.classNamesFrom ?? "from the file's class names field"})`);
  }

  // Label encoding, looked at on the sample.
  let labelEncoding: LabelEncoding = 'index';
  let isName: ((name: string) => boolean) | undefined;
  // Numbers, perhaps with a true/false word among them (read as 1/0): not names.
  const numericLabels =
    present.some((v) => cellNumber(v) !== undefined) &&
    present.every((v) => !Array.isArray(v) && (cellNumber(v) !== undefined || (typeof v === 'string' && booleanWord(v) !== undefined)));
  if (targetColumns !== undefined) {
    labelEncoding = 'vector';
  } else if (present.some((v) => cellVector(v) !== undefined || Array.isArray(v))) {
    labelEncoding = present.every((v) => cellVector(v) !== undefined || (Array.isArray(v) && v.length === 0)) ? 'vector' : 'names';
  } else if (!numericLabels && present.length > 0) {
    // Text labels: one name each, or a list of names (multi-label). Names the header or the user
    // gave already decide whether a space separates two names or sits inside one.
    const known = new Set([...(classNames ?? []), ...(groupSuffixes ?? []), ...columns.filter((c) => !excluded.has(c))].map((n) => n.trim()));
    isName = (n) => known.has(n);
    const lists = present.map((v) => namesList(v, isName) ?? []);
    labelEncoding = lists.some((l) => l.length !== 1) || present.some((v) => typeof v === 'string' && v.trim().startsWith('[')) ? 'names' : 'name';
  }
  if (hints?.byName !== undefined && numericLabels && overrides.classNames === undefined && !allNumberNames(table.classNames ?? [])) {
    // Class ids beside scores found by label name: which id is which name, only the model's config says.
    const ids = [...new Set(present.map((v) => cellNumber(v) ?? booleanWord(String(v))!))].sort((a, b) => a - b);
    throw new LayoutError(
      `labels are class ids (${shortList(ids.map(String))}) but field "${hints.byName}" scores classes by name (${shortList(table.classNames ?? [])}): which id is which name is not in the file. Give the names in class-id order with ${classNamesFlag(false)} (the model's config.json id2label)`,
      lines[0] ?? 0,
    );
  }
  const textLabels = labelEncoding === 'name' || labelEncoding === 'names';
  const labelNames = (): string[] => {
    const names = new Set<string>();
    for (const v of present) for (const n of labelEncoding === 'name' ? [labelText(v)] : namesList(v, isName) ?? []) names.add(n.trim());
    return [...names];
  };

  // Columns named after the classes: the labels (names or numbers) are found among the numeric
  // columns' names. The class set is every such column, not only those the sample's labels use.
  const candidates = (): string[] =>
    columns.filter((c) => !excluded.has(c) && c.trim() !== '' && !META_NAMES.has(normName(c)) && allNumeric(values(c)) && !mostlyVectors(values(c)));
  if (predictionColumns === undefined && (textLabels || numericLabels)) {
    const seen = labelNames();
    const cands = candidates();
    const matches = (c: string): boolean =>
      seen.some((n) => n === c.trim() || normName(n) === normName(c) || (numberKey(n) !== undefined && numberKey(n) === numberKey(c)));
    const used = cands.filter(matches);
    const enough = numericLabels ? allNumberNames(cands) && cands.length >= 2 : cands.length >= 2;
    if (used.length > 0 && enough) {
      // LABEL_0 .. LABEL_{K-1} listed as class k (in a file's order they may be in any).
      predictionColumns = defaultLabelOrder(cands) ?? cands;
      namedByColumns = predictionColumns.map((c) => c.trim());
      for (const c of cands) excluded.add(c);
      evidence.push(
        `prediction columns ${columnRange(cands)}: named after classes (labels use ${used.length} of the ${cands.length} class-named columns in ${sampled}; the class set is taken from the header)`,
      );
    }
  }

  if (predictionColumns === undefined) {
    // Last resort: the remaining numeric columns.
    const numeric = candidates();
    const vectors = columns.filter((c) => !excluded.has(c) && mostlyVectors(values(c)));
    const chosen = numeric.length > 0 ? numeric : vectors.slice(0, 1);
    if (chosen.length === 0) {
      if (hardPredictionColumn !== undefined || columns.some((c) => !excluded.has(c) && HARD_PRED_NAMES.includes(normName(c)))) {
        const col = hardPredictionColumn ?? columns.find((c) => !excluded.has(c) && HARD_PRED_NAMES.includes(normName(c)))!;
        throw new LayoutError(
          `column ${col} holds predicted classes, not probabilities or logits; cross-entropy needs a score per class (name those columns with ${columnFlag('pred-columns', 'A,B,...')})`,
        );
      }
      // Numbers but for an infinity (pandas writes float('-inf') as -inf: a masked logit): that cell is why.
      const isInfinity = (v: Cell): boolean => typeof v === 'string' && INFINITY_WORD.test(v.trim());
      const withInfinity = columns.flatMap((c, ci) => {
        if (excluded.has(c) || c === labelColumn) return [];
        const cells = values(c);
        const finite = cells.filter((v) => !isInfinity(v));
        return finite.length < cells.length && allNumeric(finite) ? [ci] : [];
      });
      const row = rows.findIndex((r) => withInfinity.some((ci) => isInfinity(r[ci])));
      if (row >= 0) {
        const ci = withInfinity.find((i) => isInfinity(rows[row]![i]))!;
        const c = columns[ci]!;
        const cell = { row, column: ci };
        throw new LayoutError(
          `column ${c} holds ${JSON.stringify(String(rows[cell.row]![ci]).trim())} on line ${lines[cell.row] ?? 0}, an infinite score (float('-inf') as pandas and NumPy write it: a masked logit?), beside numbers: Loss Lens reads finite scores only. ` +
            "Write a finite number in its place: a masked logit of -1e4 gives its class probability 0 in float64, as -inf does (df.replace(-np.inf, -1e4)); the loss of a row whose true class is masked is then 1e4 or so, not infinite",
          lines[cell.row] ?? 0,
          cell,
        );
      }
      throw new LayoutError(
        `no prediction column found (looked for ${PRED_NAMES.slice(0, 10).join(', ')}, p_0.., prob_*, logit_*, ...); the columns are: ${columnList(columns)}. Name them with ${columnFlag('pred-columns', 'A,B,...')}`,
      );
    }
    const byId = defaultLabelOrder(chosen);
    if (byId !== undefined) {
      // LABEL_0 .. LABEL_{K-1}: a pipeline's scores spread into columns, in whatever order the
      // first row listed them (or sorted as text). Column LABEL_k is class k, wherever it stands;
      // beside word labels (NEGATIVE, POSITIVE) the names are the words' business, as before.
      predictionColumns = byId;
      if (!textLabels) namedByColumns = byId.map((c) => c.trim());
      for (const c of byId) excluded.add(c);
      evidence.push(`prediction columns ${shortList(byId)}: transformers' names for a model without id2label, LABEL_k read as class k (whatever the columns' order in the file)`);
    } else {
      predictionColumns = chosen;
      for (const c of chosen) excluded.add(c);
      predIsVector = chosen.length === 1 && mostlyVectors(values(chosen[0]!));
      evidence.push(`no prediction column has a usual name: using the numeric column${chosen.length > 1 ? 's' : ''} ${columnRange(chosen)}`);
    }
    // Bare numbers as names (pandas' DataFrame(proba) writes 0..K-1) name the classes.
    if (!predIsVector && chosen.length >= 2 && allNumberNames(chosen)) namedByColumns = chosen.map((c) => c.trim());
  }

  // Width of the prediction vectors.
  let width = predictionColumns.length;
  if (predIsVector) {
    const lens = values(predictionColumns[0]!).map((v) => cellVector(v)?.length).filter((n): n is number => n !== undefined);
    width = lens[0] ?? 1;
  }

  // 3. The kind of loss and of target.
  let kind: LossKind;
  let targetKind: TargetKind = 'sparse';
  if (labelEncoding === 'vector') {
    const vecs: number[][] = [];
    const vecLines: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const v = targetColumns !== undefined ? targetColumns.map((c) => cellNumber(rows[r]![colIndex.get(c)!])) : cellVector(labelValues[r]);
      if (v !== undefined && v.every((x) => x !== undefined)) {
        vecs.push(v as number[]);
        vecLines.push(lines[r]!);
      }
    }
    const binary = vecs.every((v) => v.every((x) => x === 0 || x === 1));
    const sumsToOne = vecs.every((v) => Math.abs(sum(v) - 1) <= 1e-3);
    if (binary && sumsToOne && width > 1) {
      targetKind = 'onehot';
      kind = 'ce';
      evidence.push('targets are one-hot vectors (one 1 per row): categorical cross-entropy');
      if (targetColumns !== undefined && namedByColumns !== undefined) {
        assumptions.push({
          text: `every target row of ${sampled} has exactly one 1: read as one class per sample (categorical cross-entropy); if a sample may have several labels, read as multi-label`,
          short: 'one class per sample',
          taken: { kind: 'ce' },
          other: { kind: 'multilabel' },
          otherLabel: 'read as multi-label',
        });
      }
    } else if (binary) {
      targetKind = 'multihot';
      kind = 'multilabel';
      const r = vecs.findIndex((v) => sum(v) !== 1);
      evidence.push(`targets are 0/1 vectors with ${r >= 0 ? `${sum(vecs[r]!)} ones on line ${vecLines[r]}` : 'any number of ones'}: multi-label (one sigmoid per label)`);
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
  } else if (width === 1) {
    // A one-element vector per row ('[0.93]': list(model.predict(X)) of a Dense(1, 'sigmoid')) is one score too.
    kind = 'bce';
    const soft = numericLabels && present.some((v) => {
      const x = cellNumber(v);
      return x !== undefined && x > 0 && x < 1;
    });
    targetKind = soft ? 'soft' : 'sparse';
    evidence.push(`one prediction per row: binary cross-entropy${soft ? ' with soft targets (labels strictly between 0 and 1)' : ''}`);
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

  // 4. Class names, and how labels map to them.
  const predNames = predictionColumns;
  const refuseContradictedOrder = (names: string[]): void => {
    const labelIdx = colIndex.get(labelColumn)!;
    const scoreIdx = predictionColumns.map((c) => colIndex.get(c)!);
    const check = checkSortedOrder(
      names,
      rows.map((r) => (isBlank(r[labelIdx]) ? undefined : names.indexOf(labelText(r[labelIdx]).trim()))).map((i) => (i === -1 ? undefined : i)),
      rows.map((r) => (predIsVector ? cellVector(r[scoreIdx[0]!]) : scoreIdx.map((i) => cellNumber(r[i]) ?? Number.NaN))),
    );
    if (!sortedOrderContradicted(check)) return;
    throw new LayoutError(
      `labels are class names but the scores (${predIsVector ? predictionColumns[0] : shortList(predictionColumns)}) do not name their classes. In sorted order (${shortList(names)}), as scikit-learn orders predict_proba's columns, the highest score is the label on ${check.sortedAgree} of ${check.rows} of the first rows; in the order ${shortList(check.bestOrder)} it is on ${check.bestAgree}: the scores are probably in the model's own class order (a Hugging Face model's id2label), not sorted. Give the class names in column order (that order, if the model's config.json id2label says so) with ${classNamesFlag(false, check.bestOrder)}`,
      lines[0] ?? 0,
    );
  };
  if (kind === 'bce' && overrides.input === undefined) {
    const scores = values(predictionColumns[0]!).map(cellNumber).filter((x): x is number => x !== undefined);
    // The confidence of the predicted class (a Hugging Face pipeline's `score`) is no P(one class):
    // at least 0.5 on every row, while the labels name both classes.
    const labelKinds = new Set(present.map(labelText)).size;
    if (scores.length >= 10 && labelKinds >= 2 && scores.every((x) => x >= 0.5 && x <= 1) && targetColumns === undefined) {
      const cell = cellWhere(rows, colIndex.get(predictionColumns[0]!)!, (c) => cellNumber(c) !== undefined);
      throw new LayoutError(
        `column ${predictionColumns[0]} is at least 0.5 on all ${scores.length} of the first rows while the labels name both classes: the confidence of the predicted class (as a Hugging Face pipeline's "score"), not the probability of one class, and ${labelColumn} may be the predicted label. Cross-entropy needs the probability of one class per row; if it is that after all, read with --input probs`,
        lines[cell?.row ?? 0] ?? 0,
        cell,
      );
    }
    if (scores.length > 0 && scores.every((x) => Number.isInteger(x) && x >= 0)) {
      const max = Math.max(...scores);
      if (max > 1) {
        throw new LayoutError(
          `column ${predictionColumns[0]} holds whole numbers up to ${max}: predicted class labels, not probabilities or logits; cross-entropy needs a score per class (name those columns with ${columnFlag('pred-columns', 'A,B,...')})`,
        );
      }
      evidence.push(`warning: every value of ${predictionColumns[0]} in ${sampled} is exactly 0 or 1: hard predictions give infinite losses wherever they are wrong`);
    }
  }
  if (kind === 'bce') {
    const scoreIdx = colIndex.get(predNames[0]!)!;
    const labelIdx = colIndex.get(labelColumn)!;
    const scored = rows
      .map((r) => [r[labelIdx], cellNumber(r[scoreIdx])] as const)
      .filter((x): x is readonly [Cell, number] => !isBlank(x[0]) && x[1] !== undefined)
      .map(([l, v]) => [labelText(l), v] as const);
    const bin = binaryClasses(predNames[0]!, present, numericLabels, classNames, sampled, scored);
    classNames = bin.classNames;
    labelEncoding = bin.encoding;
    evidence.push(bin.evidence);
    if (bin.assumption !== undefined) assumptions.push(bin.assumption);
  } else {
    // pandas' default names 0..K-1 (pd.DataFrame(clf.predict_proba(X))) name no class beside word labels.
    if (classNames === undefined && namedByColumns !== undefined && !(textLabels && isIdentity(namedByColumns))) {
      classNames = namedByColumns;
      if (!isIdentity(classNames)) evidence.push(`class names ${shortList(classNames)} (from the prediction column names)`);
    }
    const numericSuffixes = groupSuffixes?.every((s, i) => s === String(i)) ?? false;
    if (classNames === undefined && groupSuffixes !== undefined && groupSuffixes.length === width && !(numericSuffixes && textLabels)) {
      classNames = groupSuffixes;
      if (!numericSuffixes) evidence.push(`class names ${shortList(classNames)} (from the prediction column names)`);
    }
    if (classNames === undefined && textLabels) {
      // The columns do not name classes: the labels must, and all of them must be seen.
      const names = labelNames().sort();
      if (kind === 'ce' && names.length !== width) {
        throw new LayoutError(
          `labels are class names but the ${width} prediction columns do not name classes, and ${sampled} use ${names.length} name${names.length === 1 ? '' : 's'} (${shortList(names)}): which column is which class? Give the names in column order with ${classNamesFlag(false)}`,
          lines[0] ?? 0,
        );
      }
      if (kind === 'ce' && labelEncoding === 'name') refuseContradictedOrder(names);
      classNames = names;
      const text = `class names ${shortList(names)}: the distinct labels of ${sampled} in sorted order, as scikit-learn orders predict_proba's columns`;
      evidence.push(text);
      if (kind === 'ce') assumptions.push({ text, short: 'sorted class order', taken: { classNames: names }, other: { classNames: [] }, otherLabel: 'give the class names in column order' });
    }
    if (classNames === undefined) classNames = Array.from({ length: width }, (_, i) => String(i));
    if (classNames.length !== width) {
      throw new LayoutError(`${classNames.length} class names (${shortList(classNames)}) but ${width} predictions per row`);
    }
    const columnNames = predIsVector ? [] : predictionColumns.map((c) => c.trim());
    const given = classNames;
    if (columnNames.length > 0 && !isIdentity(columnNames) && !given.every((n, i) => n === columnNames[i]) && given.every((n) => columnNames.includes(n)) && new Set(given).size === width) {
      // Columns named by the classes, in another order than the names given (a pipeline's scores
      // spread into columns in the first row's score order): each column follows its name.
      predictionColumns.splice(0, width, ...given.map((n) => predictionColumns![columnNames.indexOf(n)]!));
      evidence.push(`prediction columns matched to the class names by name (${shortList(predictionColumns)})`);
    } else if (
      numericLabels && labelEncoding === 'index' && namedByColumns === undefined && groupSuffixes === undefined && hints === undefined &&
      columnNames.length > 0 && !allNumberNames(columnNames) && !columnNames.every((c, i) => new RegExp(`(^|\\D)${i}$`).test(c)) &&
      overrides.classNames === undefined && table.classNames === undefined && rows.length >= 4 * width
    ) {
      // Class ids beside columns named by words: id k is read as the k-th column, unless the rows
      // say otherwise (names ending in their position, `z_0 .. z_9`, say it themselves; with fewer
      // than 4 rows a class, a chance-level model's argmax matches some order by luck).
      const labelIdx = colIndex.get(labelColumn)!;
      const check = checkSortedOrder(
        columnNames,
        rows.map((r) => {
          const x = cellNumber(r[labelIdx]);
          return x !== undefined && Number.isInteger(x) && x >= 0 && x < width ? x : undefined;
        }),
        rows.map((r) => predictionColumns!.map((c) => cellNumber(r[colIndex.get(c)!]) ?? Number.NaN)),
      );
      if (sortedOrderContradicted(check)) {
        throw new LayoutError(
          `labels are class ids but the score columns are named (${shortList(columnNames)}), and the rows contradict reading id k as the k-th column: that way the highest score is the label on ${check.sortedAgree} of ${check.rows} of the first rows; with the ids in the order ${shortList(check.bestOrder)} on ${check.bestAgree} (columns written in another order than the ids, as a pipeline's scores made into columns are). Give the class names in class-id order (the model's config.json id2label) with ${classNamesFlag(false, check.bestOrder)}: each column then follows its name`,
          lines[0] ?? 0,
        );
      }
    }
    if (numericLabels && labelEncoding === 'index' && allNumberNames(classNames) && !isIdentity(classNames)) {
      // Columns `1..K` (R, MATLAB, UCI) or sorted SVM classes `-1, 1`: labels are names, not positions.
      labelEncoding = 'name';
      evidence.push(`labels are numbers matched to the class-named columns (label ${numberKey(classNames[0]!)} is column ${predNames[0]})`);
    }
    if (numericLabels && labelEncoding === 'index') checkIndexLabels(present, classNames, namedByColumns !== undefined, sampled, rows, lines, colIndex.get(labelColumn)!);
  }
  const numClasses = kind === 'bce' ? 1 : width;

  // 5. Probabilities or logits.
  let input: InputKind;
  let rowSumTolerance: number | undefined;
  const predIdx = predictionColumns.map((c) => colIndex.get(c)!);
  if (overrides.input !== undefined) {
    input = overrides.input;
    evidence.push(`input read as ${input === 'probs' ? 'probabilities' : 'logits'} (set by the user)`);
  } else {
    const decided = decideInput(rows, lines, predIdx, predIsVector, predNames, kind);
    if (decided.refusal !== undefined) throw new LayoutError(decided.refusal, lines[0] ?? 0);
    input = decided.input;
    rowSumTolerance = decided.sumTolerance;
    evidence.push(decided.evidence);
    if (decided.assumption !== undefined) assumptions.push(decided.assumption);
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
    ...(assumptions.length > 0 ? { assumptions } : {}),
    ...(hardPredictionColumn !== undefined ? { hardPredictionColumn } : {}),
    ...(rowSumTolerance !== undefined ? { rowSumTolerance } : {}),
    ...(ignoreIndex !== undefined ? { ignoreIndex } : {}),
  };
}

/** Words naming classes in the header: whole column names and what follows a prediction prefix. */
function headerClassWords(columns: string[]): Set<string> {
  const words = new Set<string>();
  for (const c of columns) {
    const n = normName(c);
    words.add(n);
    const m = /^(?:y_)?(?:prob(?:ability|abilities|s)?|proba|p|score|pred|logit|logits|softmax)_(.+)$/.exec(n) ?? /^(.+)_(?:prob(?:ability)?|proba|p|score|logit)$/.exec(n);
    if (m) words.add(m[1]!);
  }
  return words;
}

/** Text cells that are class names, not free text (a file name, a sentence). */
const wordLike = (c: Cell): boolean => typeof c === 'string' && c.trim() !== '' && cellNumber(c) === undefined && cellVector(c) === undefined && c.length <= 64;

/**
 * A label column no usual name announces: the one column of words whose values name classes in
 * the header (`diagnosis` holding `benign` beside `prob_benign`), else the only column of a few
 * distinct words.
 */
function labelByValues(columns: string[], values: (c: string) => Cell[], excluded: Set<string>): string | undefined {
  const words = headerClassWords(columns);
  const texts = columns.filter((c) => !excluded.has(c) && !ID_NAMES.includes(normName(c)) && !HARD_PRED_NAMES.includes(normName(c)) && values(c).filter((v) => !isBlank(v)).every(wordLike) && values(c).some((v) => !isBlank(v)));
  const naming = texts.filter((c) => values(c).some((v) => words.has(normName(String(v)))));
  if (naming.length === 1) return naming[0];
  const few = texts.filter((c) => {
    const vs = values(c).filter((v) => !isBlank(v));
    return new Set(vs.map(String)).size <= Math.max(2, Math.floor(vs.length / 4));
  });
  return naming.length === 0 && few.length === 1 ? few[0] : undefined;
}

function labelByValuesReason(columns: string[], cells: Cell[], excluded: Set<string>, column: string): string {
  const words = headerClassWords(columns.filter((c) => c !== column || !excluded.has(c)));
  const named = [...new Set(cells.filter((v) => !isBlank(v)).map(String))].filter((v) => words.has(normName(v)));
  return named.length > 0
    ? `its values (${named.slice(0, 3).join(', ')}) name classes in the header`
    : 'the only column of a few distinct words (no column has a usual label name)';
}

interface BinaryClasses {
  classNames: string[];
  encoding: LabelEncoding;
  evidence: string;
  assumption?: Assumption;
}

/** The class a single score column is the probability of, when its name says: `prob_benign` -> benign. */
function classInName(column: string, names: string[]): string | undefined {
  const n = normName(column);
  const stripped = n
    .replace(/^(y_)?(prob(ability|abilities|s)?|proba|p|score|pred|logit|softmax|sigmoid|is)_/, '')
    .replace(/_(prob(ability)?|proba|p|score|logit)$/, '');
  if (stripped === n) return undefined;
  return names.find((x) => normName(x) === stripped || (numberKey(x) !== undefined && numberKey(x) === numberKey(stripped)));
}

/**
 * A binary file's two classes, [negative, positive], and which the score column is the
 * probability of: its name when it says (`prob_benign`), else 1 / +1 / yes / true, else (two
 * arbitrary labels) the second in sorted order as scikit-learn takes it, said as an assumption.
 */
function binaryClasses(
  predColumn: string,
  present: Cell[],
  numericLabels: boolean,
  /** Class names the user or the file gave: [negative, positive]. */
  given: string[] | undefined,
  sampled: string,
  scored: (readonly [string, number])[],
): BinaryClasses {
  if (given !== undefined) {
    if (given.length !== 2) throw new LayoutError(`one prediction per row needs 2 class names (negative, positive), not ${given.length} (${shortList(given)})`);
    return {
      classNames: given,
      encoding: numericLabels && isIdentity(given) ? 'index' : 'name',
      evidence: `the column ${predColumn} is P(${given[1]}): "${given[1]}" is read as 1 and "${given[0]}" as 0 (class names given)`,
    };
  }
  const seen = [...new Set(present.map(labelText))];
  if (present.every((v) => typeof v === 'boolean')) {
    return { classNames: ['false', 'true'], encoding: 'index', evidence: `labels are JSON true/false: the column ${predColumn} is P(true)` };
  }
  if (numericLabels) {
    const nums = [...new Set(present.map((v) => cellNumber(v) ?? booleanWord(String(v))!))].sort((a, b) => a - b);
    if (nums.every((x) => x >= 0 && x <= 1)) {
      const named = classInName(predColumn, ['0', '1']);
      if (named === '0' && nums.every((x) => x === 0 || x === 1)) {
        return { classNames: ['1', '0'], encoding: 'name', evidence: `the column ${predColumn} is P(0), as its name says: label 0 is read as the positive class` };
      }
      return { classNames: ['0', '1'], encoding: 'index', evidence: `labels are 0/1: the column ${predColumn} is P(label = 1)` };
    }
    if (nums.every((x) => x === -1 || x === 1)) {
      return {
        classNames: ['-1', '1'],
        encoding: 'name',
        evidence: `labels are -1/+1 (the SVM and perceptron convention, which scikit-learn's log_loss accepts): +1 is the positive class`,
      };
    }
    if (nums.length === 2) {
      const [a, b] = nums.map(String) as [string, string];
      return binaryNamed(predColumn, a, b, sampled, scored);
    }
    const inRange = present.filter((v) => {
      const x = cellNumber(v) ?? booleanWord(String(v))!;
      return x >= 0 && x <= 1;
    }).length;
    if (inRange * 2 > present.length) {
      // Mostly 0/1 (or soft y): the odd label is reported on its line, not followed.
      return { classNames: ['0', '1'], encoding: 'index', evidence: `labels are 0/1 in ${inRange} of ${present.length} rows of ${sampled}: the column ${predColumn} is P(label = 1)` };
    }
    throw new LayoutError(
      `one prediction per row, but the labels take ${nums.length} values (${shortList(nums.map(String))}) in ${sampled}: not a binary file? Name the score columns with ${columnFlag('pred-columns', 'A,B,...')}`,
    );
  }
  if (seen.length === 2) {
    const sorted = [...seen].sort();
    const trueWord = seen.find((s) => booleanWord(s) === 1);
    const falseWord = seen.find((s) => booleanWord(s) === 0);
    const named = classInName(predColumn, seen);
    if (named === undefined && trueWord !== undefined && falseWord !== undefined) {
      return { classNames: [falseWord, trueWord], encoding: 'name', evidence: `labels are ${falseWord}/${trueWord}: the column ${predColumn} is P(${trueWord})` };
    }
    return binaryNamed(predColumn, sorted[0]!, sorted[1]!, sampled, scored);
  }
  if (seen.length === 1) {
    const only = seen[0]!;
    const other = oppositeWord(only);
    const named = classInName(predColumn, seen);
    if (other !== undefined) {
      const pair = booleanWord(only) === 1 ? [other, only] : [only, other];
      return { classNames: pair, encoding: 'name', evidence: `labels are ${pair[0]}/${pair[1]} (only "${only}" in ${sampled}): the column ${predColumn} is P(${pair[1]})` };
    }
    throw new LayoutError(
      `one prediction per row, and ${sampled} have only the label "${only}"${named !== undefined ? ` (the column ${predColumn} names it)` : ''}: the other class is unknown. Give both, negative first, with ${classNamesFlag(true)}`,
    );
  }
  throw new LayoutError(
    `one prediction per row, but the labels take ${seen.length} values (${shortList(seen)}) in ${sampled}: not a binary file? Name the score columns with ${columnFlag('pred-columns', 'A,B,...')}`,
  );
}

function binaryNamed(predColumn: string, a: string, b: string, sampled: string, scored: (readonly [string, number])[]): BinaryClasses {
  const named = classInName(predColumn, [a, b]);
  if (named !== undefined) {
    const pair = named === a ? [b, a] : [a, b];
    return { classNames: pair, encoding: 'name', evidence: `the column ${predColumn} is P(${named}), as its name says: "${named}" is the positive class` };
  }
  // The name does not say: scikit-learn takes the second label in sorted order, unless the scores
  // read so would be right on fewer than half of the sampled rows (a model worse than chance).
  const threshold = scored.every(([, v]) => v >= 0 && v <= 1) ? 0.5 : 0;
  const right = scored.filter(([l, v]) => (v > threshold) === (l === b || (numberKey(l) !== undefined && numberKey(l) === numberKey(b)))).length;
  const flip = scored.length >= 10 && right * 2 < scored.length;
  const [neg, pos] = flip ? [b, a] : [a, b];
  const share = (n: number): string => `${Math.round((100 * n) / scored.length)}%`;
  const why = flip
    ? `taken as P(${pos}): read as P(${neg}), the second label in sorted order (as scikit-learn's log_loss takes it), the scores would be right on only ${share(right)} of the rows, as P(${pos}) on ${share(scored.length - right)}`
    : `taken as P(${pos}), the second label in sorted order (as scikit-learn's log_loss takes it)${scored.length > 0 ? `; read so, the scores are right on ${share(right)} of the rows` : ''}`;
  const text = `labels "${a}" and "${b}" in ${sampled}, and the name ${predColumn} does not say which class it scores: ${why}`;
  return {
    classNames: [neg, pos],
    encoding: 'name',
    evidence: text,
    assumption: { text, short: `P(${pos})`, taken: { classNames: [neg, pos] }, other: { classNames: [pos, neg] }, otherLabel: `read as P(${neg})` },
  };
}

/**
 * Whole-number labels read as column positions: a sample that looks 1-based against columns
 * counted from 0 is refused (the classic off-by-one of R and MATLAB exports), not shifted silently.
 */
function checkIndexLabels(present: Cell[], classNames: string[], namedColumns: boolean, sampled: string, rows: Cell[][], lines: number[], labelIdx: number): void {
  const nums = present.map((v) => cellNumber(v));
  if (!nums.every((x) => x !== undefined && Number.isInteger(x))) return;
  const k = classNames.length;
  const min = Math.min(...(nums as number[]));
  const max = Math.max(...(nums as number[]));
  if (min >= 1 && max === k) {
    const names = Array.from({ length: k }, (_, i) => String(i + 1));
    // The first label with no column: the cell the refusal points at.
    const cell = cellWhere(rows, labelIdx, (c) => cellNumber(c) === k);
    throw new LayoutError(
      `labels run from ${min} to ${max} in ${sampled}, but the ${k} prediction columns${namedColumns ? ` are named ${classNames[0]}..${classNames[k - 1]}` : ' count from 0'}: label ${k} has no column. If the labels count from 1, say so with ${classNamesFlag(false, names)}`,
      lines[cell?.row ?? 0] ?? 0,
      cell,
    );
  }
}

function columnRange(cols: string[]): string {
  return cols.length > 4 ? `${cols[0]} .. ${cols[cols.length - 1]} (${cols.length} columns)` : cols.join(', ');
}

function shortList(names: string[]): string {
  return names.length > 12 ? `${names.slice(0, 10).join(', ')}, ... (${names.length})` : names.join(', ');
}

function sum(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s;
}
