/**
 * The CI gate of `loss-lens --fail-if CONDITION`: conditions over a report's numbers, such as
 * `mean>0.35` or `class[cat].recall<0.9`, parsed by hand (the grammar is four tokens) and checked
 * against a report. A condition that holds fails the gate.
 *
 * Parsing needs no report, so a typo is refused before a large file is read; class names are
 * known only once the file is, so a class is looked up when the gate is checked.
 */

export const COMPARISONS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/**
 * The report's own numbers, by the names `--json` gives them; `auc` and `ap` (ROC AUC and average
 * precision, bce and multilabel files) are read from `operatingPoints`: the positive class's curve,
 * or the macro mean over the labels.
 */
export const REPORT_FIELDS = ['mean', 'accuracy', 'ece', 'adaptiveEce', 'classwiseEce', 'brier', 'perplexity', 'count', 'auc', 'ap'] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];

/** A class's numbers; `loss` is its mean loss (`perClass[].meanLoss` in `--json`). */
export const CLASS_FIELDS = ['recall', 'precision', 'f1', 'loss', 'support', 'ece'] as const;
export type ClassField = (typeof CLASS_FIELDS)[number];

/** How a condition names a class: as written between the brackets, quotes removed. */
export interface ClassRef {
  text: string;
  /** Quoted names are names only: `class["3"]` is the class named 3, never the class at index 3. */
  quoted: boolean;
}

/**
 * `loss-lens compare A B`'s numbers, B minus A: `delta.mean` and its 95% bootstrap interval's ends,
 * the accuracy's change, the samples fixed and broken, McNemar's p-value.
 */
export const DELTA_FIELDS = ['mean', 'meanLow', 'meanHigh', 'accuracy', 'fixed', 'broken', 'pValue'] as const;
export type DeltaField = (typeof DELTA_FIELDS)[number];

/** A class's difference of the mean loss and its interval's ends: `delta.class[cat].mean`. */
export const DELTA_CLASS_FIELDS = ['mean', 'meanLow', 'meanHigh'] as const;
export type DeltaClassField = (typeof DELTA_CLASS_FIELDS)[number];

export type GateField =
  | { scope: 'report'; name: ReportField }
  | { scope: 'class'; class: ClassRef; name: ClassField }
  | { scope: 'delta'; name: DeltaField }
  | { scope: 'deltaClass'; class: ClassRef; name: DeltaClassField };

/** A condition over two files' difference (`delta.*`): for `loss-lens compare` only. */
export function isDeltaCondition(c: Condition): boolean {
  return c.field.scope === 'delta' || c.field.scope === 'deltaClass';
}

export interface Condition {
  /** What the user wrote. */
  source: string;
  /** The same, spaced the one way it is shown everywhere: `class[cat].recall < 0.9`. */
  text: string;
  field: GateField;
  op: Comparison;
  threshold: number;
}

/** What the gate reads of a curve (core/breakdown/operating-points.ts's OperatingCurves). */
export interface GateCurve {
  name: string;
  auc: number;
  aucError: number;
  ap: number;
  apRange: readonly [number, number] | readonly number[];
}

/** The numbers a gate reads; the `--json` report (ReportJson) has them all. */
export interface GateReport {
  /** bce: the positive class's curve; multilabel: one per label; ce: null. */
  operatingPoints: { curves: readonly GateCurve[] } | null;
  mean: number;
  accuracy: number;
  ece: number;
  adaptiveEce: number;
  classwiseEce: number;
  brier: number;
  perplexity: number;
  count: number;
  perClass: readonly { index: number; name: string; support: number; meanLoss: number; precision: number; recall: number; f1: number; ece: number }[];
}

export interface ConditionResult {
  condition: Condition;
  /** The number compared, named by the class's name even when the condition gave its index: `class[three].recall`. */
  label: string;
  /** NaN when the report has no such number (the precision of a class never predicted). */
  value: number;
  /**
   * Where the exact value lies when the report knows it only within bounds (auc, ap: scores are
   * bucketed); the condition then fails the gate if it holds anywhere in it.
   */
  range?: [number, number];
  /** Said beside the value: what it is a mean of, or why it is undefined. */
  note?: string;
  failed: boolean;
}

export interface GateResult {
  results: ConditionResult[];
  failed: boolean;
}

/** A condition that cannot be read, or names a class the report does not have: a usage error. */
export class GateError extends Error {}

const EXAMPLES = '"mean>0.35" or "class[cat].recall<0.9"';

/** The fields as help text: `mean, accuracy, ..., count, class[NAME].recall|precision|...`. */
export function fieldsHelp(): string {
  return `${REPORT_FIELDS.join(', ')}, class[NAME or index].${CLASS_FIELDS.join('|')}`;
}

/** compare's fields as help text. */
export function deltaFieldsHelp(): string {
  return `${DELTA_FIELDS.map((f) => `delta.${f}`).join(', ')}, delta.class[NAME or index].${DELTA_CLASS_FIELDS.join('|')}`;
}

/** Field names are matched whatever their case: `ECE` is how the text report spells it. */
function lookup<T extends string>(names: readonly T[], word: string): T | undefined {
  return names.find((n) => n.toLowerCase() === word.toLowerCase());
}

const quote = (s: string) => JSON.stringify(s);

export function parseCondition(source: string): Condition {
  function fail(why: string): never {
    throw new GateError(`${quote(source)}: ${why}`);
  }
  let at = 0;
  const skipSpace = () => {
    while (at < source.length && /\s/.test(source[at] as string)) at++;
  };
  skipSpace();
  if (at === source.length) fail(`expected a condition such as ${EXAMPLES}`);

  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at))?.[0];
  if (word === undefined) fail(`expected a field at the start (${fieldsHelp()})`);
  at += word.length;
  let field: GateField;
  let fieldText: string;
  if (word.toLowerCase() === 'delta' && source[at] === '.') {
    at++;
    ({ field, fieldText } = readDelta());
  } else if (word.toLowerCase() === 'class' && source[at] === '[') {
    at++;
    const ref = readClassRef();
    if (source[at] !== '.') fail(`expected .${CLASS_FIELDS.join(', .')} after class[${ref.shown}]`);
    at++;
    const metric = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at))?.[0] ?? '';
    const name = lookup(CLASS_FIELDS, metric);
    if (name === undefined) fail(`${metric === '' ? 'no class field' : `unknown class field ${quote(metric)}`} after class[${ref.shown}]; a class has ${CLASS_FIELDS.join(', ')}`);
    at += metric.length;
    field = { scope: 'class', class: ref.ref, name };
    fieldText = `class[${ref.shown}].${name}`;
  } else {
    const name = lookup(REPORT_FIELDS, word);
    if (name === undefined) fail(`unknown field ${quote(word)}; the fields are ${fieldsHelp()}`);
    field = { scope: 'report', name };
    fieldText = name;
  }

  skipSpace();
  const op = COMPARISONS.find((c) => source.startsWith(c, at));
  if (op === undefined) {
    const rest = source.slice(at);
    if (rest.startsWith('=>') || rest.startsWith('=<')) fail(`"${rest.slice(0, 2)}" is not a comparison: write ${rest[1]}=`);
    if (rest.startsWith('=')) fail(`"=" is not a comparison: write == (the comparisons are ${COMPARISONS.join(' ')})`);
    fail(`expected a comparison (${COMPARISONS.join(' ')}) after ${fieldText}${rest === '' ? '' : `, found ${quote(rest.trim())}`}`);
  }
  at += op.length;
  const numberText = source.slice(at).trim();
  const threshold = parseThreshold(numberText);
  if (threshold === undefined) fail(`expected a number after ${op}${numberText === '' ? '' : `, found ${quote(numberText)}`}`);
  return { source, text: `${fieldText} ${op} ${numberText}`, field, op, threshold };

  /** After `delta.`: `mean`, `class[cat].mean`... */
  function readDelta(): { field: GateField; fieldText: string } {
    const next = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at))?.[0] ?? '';
    at += next.length;
    if (next.toLowerCase() === 'class' && source[at] === '[') {
      at++;
      const ref = readClassRef();
      if (source[at] !== '.') fail(`expected .${DELTA_CLASS_FIELDS.join(', .')} after delta.class[${ref.shown}]`);
      at++;
      const metric = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(at))?.[0] ?? '';
      const name = lookup(DELTA_CLASS_FIELDS, metric);
      if (name === undefined) fail(`${metric === '' ? 'no field' : `unknown field ${quote(metric)}`} after delta.class[${ref.shown}]; a class's difference has ${DELTA_CLASS_FIELDS.join(', ')}`);
      at += metric.length;
      return { field: { scope: 'deltaClass', class: ref.ref, name }, fieldText: `delta.class[${ref.shown}].${name}` };
    }
    const name = lookup(DELTA_FIELDS, next);
    if (name === undefined) fail(`${next === '' ? 'no field' : `unknown field ${quote(next)}`} after delta.; the fields are ${deltaFieldsHelp()}`);
    return { field: { scope: 'delta', name }, fieldText: `delta.${name}` };
  }

  /** After `class[`: a name up to `]`, or a quoted one ("a]b", 'x'; a backslash escapes the next character). */
  function readClassRef(): { ref: ClassRef; shown: string } {
    const open = source[at];
    if (open === '"' || open === "'") {
      let text = '';
      let i = at + 1;
      for (; i < source.length && source[i] !== open; i++) text += source[i] === '\\' && i + 1 < source.length ? source[++i] : source[i];
      if (i >= source.length) fail(`the class name opened by ${open} is not closed`);
      if (source[i + 1] !== ']') fail(`expected ] after the quoted class name ${quote(text)}`);
      const shown = source.slice(at, i + 1);
      at = i + 2;
      return { ref: { text, quoted: true }, shown };
    }
    const close = source.indexOf(']', at);
    if (close < 0) fail('"class[" is not closed by "]"');
    const text = source.slice(at, close).trim();
    if (text === '') fail('class[] names no class: give a class name or its index (class[cat], class[3])');
    at = close + 1;
    return { ref: { text, quoted: false }, shown: text };
  }
}

/** A decimal number (`0.35`, `.9`, `1e-3`, `-2`) or an infinity (`Infinity`, `inf`): a loss can be one. */
function parseThreshold(text: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  const inf = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** Class names in an error: enough to spot a typo, not a thousand of them. */
const NAMES_LISTED = 30;

function classesHelp(names: readonly string[]): string {
  const listed = names.slice(0, NAMES_LISTED).join(', ');
  const more = names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : '';
  return `the classes are ${listed}${more} (or an index from 0 to ${names.length - 1})`;
}

type PerClass = GateReport['perClass'][number];

/** A name matches before an index: files whose columns are named 1 .. K mean the class named 3 by `class[3]`. */
function findClass(ref: ClassRef, classes: readonly PerClass[]): PerClass | undefined {
  const named = classes.find((c) => c.name === ref.text);
  if (named !== undefined || ref.quoted || !/^\d+$/.test(ref.text)) return named;
  return classes[Number(ref.text)];
}

/** A class name as a condition would name it: quoted when it would not read back unquoted. */
function classInCondition(name: string): string {
  return name === '' || name.trim() !== name || /[\]"']/.test(name) ? JSON.stringify(name) : name;
}

const CLASS_VALUE: Record<ClassField, (c: PerClass) => number> = {
  recall: (c) => c.recall,
  precision: (c) => c.precision,
  f1: (c) => c.f1,
  loss: (c) => c.meanLoss,
  support: (c) => c.support,
  ece: (c) => c.ece,
};

/**
 * Added to each side of a curve's bounds: they are sums over thousands of buckets, a few ulps off
 * (breast cancer's exact AP lay 2e-16 below its lower bound as summed).
 */
const ROUNDING = 1e-12;

/** What a curve field reads: the value, and where the exact one lies. */
export interface Bounded {
  value: number;
  range?: [number, number];
  note?: string;
}

/**
 * `auc` or `ap` of the report: bce's one curve, multilabel's macro mean over the labels (sklearn's
 * average='macro'), undefined (NaN, with why) for ce or when a label has no positives (or, for AUC,
 * no negatives). The bounds are the curves' own (operating-points.ts): AUC +- aucError, AP within
 * apRange; a macro mean's bounds are the means of the labels' bounds.
 */
export function curveValue(name: 'auc' | 'ap', points: GateReport['operatingPoints']): Bounded {
  if (points === null || points.curves.length === 0) return { value: Number.NaN, note: `${name === 'auc' ? 'ROC AUC' : 'average precision'} is given for binary and multi-label files only` };
  const curves = points.curves;
  // null where a report went through JSON (the dashboard's) stands for NaN.
  const undefinedAt = curves.find((c) => { const v: unknown = name === 'auc' ? c.auc : c.ap; return typeof v !== 'number' || Number.isNaN(v); });
  if (undefinedAt !== undefined) {
    const why = name === 'auc' ? 'has no positives or no negatives' : 'has no positives';
    return { value: Number.NaN, note: curves.length === 1 ? `the positive class ${why}` : `label ${quote(undefinedAt.name)} ${why} (the macro mean needs every label's)` };
  }
  const mean = (f: (c: GateCurve) => number) => curves.reduce((s, c) => s + f(c), 0) / curves.length;
  const value = mean((c) => (name === 'auc' ? c.auc : c.ap));
  const range: [number, number] = name === 'auc'
    ? [value - mean((c) => c.aucError) - ROUNDING, value + mean((c) => c.aucError) + ROUNDING]
    : [mean((c) => c.apRange[0] as number) - ROUNDING, mean((c) => c.apRange[1] as number) + ROUNDING];
  return { value, range, ...(curves.length > 1 ? { note: `macro mean over ${curves.length} labels` } : {}) };
}

/**
 * Whether the condition holds for some value in [low, high]: a value known only within bounds
 * fails the gate unless the condition is false wherever the exact value may lie, as an undefined
 * value does (a gate that cannot check must not pass).
 */
function holdsWithin(low: number, high: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '<':
      return low < threshold;
    case '<=':
      return low <= threshold;
    case '>':
      return high > threshold;
    case '>=':
      return high >= threshold;
    case '==':
      return low <= threshold && threshold <= high;
    case '!=':
      return low !== high || low !== threshold;
  }
}

/** Whether the condition holds wherever in [low, high] the exact value lies. */
function holdsThroughout(low: number, high: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '==':
      return low === threshold && high === threshold;
    case '!=':
      return threshold < low || threshold > high;
    default:
      return compare(low, op, threshold) && compare(high, op, threshold);
  }
}

/** Whether the condition holds for some values in the range and not for others: the gate failed for want of precision. */
export function undecided(r: ConditionResult): boolean {
  if (r.range === undefined || Number.isNaN(r.value)) return false;
  const [low, high] = r.range;
  return holdsWithin(low, high, r.condition.op, r.condition.threshold) && !holdsThroughout(low, high, r.condition.op, r.condition.threshold);
}

type ScalarField = Exclude<ReportField, 'auc' | 'ap'>;

/**
 * Checks every condition against the report. A number the report does not have (NaN: the
 * precision of a class never predicted) fails its condition: a gate that cannot check must not pass.
 */
export function checkGate(conditions: readonly Condition[], report: GateReport): GateResult {
  const results = conditions.map((condition): ConditionResult => {
    const f = condition.field;
    let read: Bounded;
    let label: string;
    if (f.scope === 'delta' || f.scope === 'deltaClass') {
      throw new GateError(`${quote(condition.source)}: delta.* compares two files: loss-lens compare A B --fail-if ${quote(condition.text.replace(/ /g, ''))}`);
    } else if (f.scope === 'report' && (f.name === 'auc' || f.name === 'ap')) {
      read = curveValue(f.name, report.operatingPoints);
      label = f.name;
    } else if (f.scope === 'report') {
      read = { value: report[f.name as ScalarField] };
      label = f.name;
    } else {
      const c = findClass(f.class, report.perClass);
      if (c === undefined) {
        throw new GateError(`${quote(condition.source)}: no class ${quote(f.class.text)}; ${classesHelp(report.perClass.map((x) => x.name))}`);
      }
      read = { value: CLASS_VALUE[f.name](c) };
      label = `class[${classInCondition(c.name)}].${f.name}`;
    }
    const { value, range } = read;
    const failed = Number.isNaN(value) || (range === undefined ? compare(value, condition.op, condition.threshold) : holdsWithin(range[0], range[1], condition.op, condition.threshold));
    return { condition, label, ...read, failed };
  });
  return { results, failed: results.some((r) => r.failed) };
}

/**
 * A value as short as it can be without misleading against its threshold: 4 significant digits,
 * more only when rounding would make 0.34996 read as equal to, or on the other side of, 0.35.
 */
export function formatGateValue(value: number, threshold: number): string {
  if (Number.isNaN(value)) return 'undefined';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value)) return String(value);
  const side = Math.sign(value - threshold);
  // Whole digits are never rounded away: a perplexity of 12345.6 is not 1.235e4.
  const whole = Math.abs(value) >= 1 ? Math.floor(Math.log10(Math.abs(value))) + 1 : 0;
  for (let p = Math.max(4, whole + 1); p < 17; p++) {
    const shown = Number(value.toPrecision(p));
    if (Math.sign(shown - threshold) === side) return String(shown);
  }
  return String(value);
}

/** The value as the gate saw it: `0.9123`, with its bounds when it has them and what it is a mean of. */
export function gateValueText(r: ConditionResult): string {
  const t = r.condition.threshold;
  const bounds = r.range === undefined || Number.isNaN(r.value) ? '' : `, exact value in [${formatGateValue(r.range[0], t)}, ${formatGateValue(r.range[1], t)}]`;
  const extra = [r.note, bounds === '' ? undefined : bounds.slice(2)].filter((x) => x !== undefined);
  return `${formatGateValue(r.value, t)}${extra.length === 0 || Number.isNaN(r.value) ? '' : ` (${extra.join('; ')})`}`;
}

/** One line per failed condition: `failed: mean > 0.35 (mean = 0.412)`. */
export function gateFailures(gate: GateResult): string[] {
  return gate.results
    .filter((r) => r.failed)
    .map((r) => {
      if (Number.isNaN(r.value)) return `failed: ${r.condition.text} (${r.label} is undefined${r.note === undefined ? '' : `: ${r.note}`}, so the condition cannot be checked)`;
      const line = `failed: ${r.condition.text} (${r.label} = ${gateValueText(r)})`;
      return undecided(r) ? `${line}: it may or may not hold within those bounds, and a gate that cannot decide fails` : line;
    });
}

/** The numbers a comparison's gate reads (`loss-lens compare`): B minus A. */
export interface DeltaGateReport {
  mean: number;
  meanLow: number;
  meanHigh: number;
  accuracy: number;
  fixed: number;
  broken: number;
  pValue: number;
  perClass: readonly { index: number; name: string; mean: number; meanLow: number; meanHigh: number }[];
}

/**
 * Checks `delta.*` conditions against a comparison; any other field is a usage error (GateError):
 * the gate of one file is `loss-lens FILE --fail-if`. NaN fails, as in checkGate.
 */
export function checkDeltaGate(conditions: readonly Condition[], delta: DeltaGateReport): GateResult {
  const results = conditions.map((condition): ConditionResult => {
    const f = condition.field;
    let value: number;
    let label: string;
    if (f.scope === 'delta') {
      value = delta[f.name];
      label = `delta.${f.name}`;
    } else if (f.scope === 'deltaClass') {
      // As findClass: a name before an index (the class's own index: a class without samples is not listed).
      const ref = f.class;
      const c =
        delta.perClass.find((x) => x.name === ref.text) ??
        (ref.quoted || !/^\d+$/.test(ref.text) ? undefined : delta.perClass.find((x) => x.index === Number(ref.text)));
      if (c === undefined) {
        throw new GateError(`${quote(condition.source)}: no class ${quote(f.class.text)} in both files; ${classesHelp(delta.perClass.map((x) => x.name))}`);
      }
      value = c[f.name];
      label = `delta.class[${classInCondition(c.name)}].${f.name}`;
    } else {
      throw new GateError(`${quote(condition.source)}: compare's conditions are over the difference of the two files (${deltaFieldsHelp()}); to gate one file, run loss-lens FILE --fail-if ${quote(condition.text.replace(/ /g, ''))}`);
    }
    const failed = Number.isNaN(value) || compare(value, condition.op, condition.threshold);
    return { condition, label, value, failed };
  });
  return { results, failed: results.some((r) => r.failed) };
}
