import { parseArgs } from 'node:util';
import { parseNameList } from '../core/parse/flags';
import { CLASS_FIELDS, deltaFieldsHelp, GateError, isDeltaCondition, parseCondition, REPORT_FIELDS, type Condition } from '../core/gate';
import type { DiagnosticKey } from '../core/diagnostics';
import { FILTERS, RANKINGS, type IssueFilter, type IssueRanking } from '../core/diagnostics/confident-learning';
import { PRESET_NAMES, type LogBase, type LossKind, type InputKind, type PresetName } from '../core/types';

/** How the report is written, and the gate it must pass: the same for `loss-lens FILE...` and `loss-lens merge`. */
export interface ReportOutput {
  json: boolean;
  /** The report's form when not --json. */
  format: 'text' | 'markdown';
  /** `--fail-if` conditions: exit 1 when any holds. */
  failIf: Condition[];
}

/** What the command line asks for, validated; `loss`/`input` stay 'auto' until the layout is inferred. */
export interface CliArgs extends ReportOutput {
  /** run and compare: the column naming each sample (`--id-column`), which they match files by. */
  idColumn?: string;
  /** The first FILE argument. */
  file: string;
  /**
   * Every FILE argument: one file, or files, folders and glob patterns naming the files of one
   * data set (shards), read as one.
   */
  files: string[];
  /** `--state-out OUT`: write what the files add up to as a state file, for `loss-lens merge`. */
  stateOut?: string;
  /** `--labels FILE`: the labels of a binary FILE's rows, in a file of their own (`labels.npy`). */
  labels?: string;
  loss: LossKind | 'auto';
  input: InputKind | 'auto';
  preset: PresetName;
  labelSmoothing: number;
  classWeights?: number[];
  posWeight?: number;
  ignoreIndex?: number;
  focalGamma?: number;
  focalAlpha?: number;
  /** Divide categorical probability rows by their sum (true) or not (false); the preset decides when unset. */
  renormalise?: boolean;
  reduction: 'mean' | 'sum';
  base: LogBase;
  labelColumn?: string;
  predColumns?: string[];
  /** `--class-names`: the names as given (a list), or a file of them, resolved by the caller. */
  classNames?: string[] | { file: string };
  top: number;
  perSample?: string;
  skipInvalid: boolean;
  progress: boolean;
  /** Explain the sample on this 1-based line. */
  explain?: number;
  /** Diagnostics worked out after the report's pass (each asked for by its own flag), in the report. */
  diagnostics: DiagnosticKey[];
  /** `--label-issues`: the ranking the text and the CSV (`--label-issues-csv`) list the issues by. */
  labelIssues?: { ranking: IssueRanking; csv?: string; filter?: IssueFilter };
}

export const USAGE = `usage: loss-lens FILE... [--json] [--loss auto|bce|ce|multilabel] [--input auto|probs|logits]
  [--preset classic|pytorch|keras|sklearn|none] [--label-smoothing A] [--class-weights w0,w1,...]
  [--pos-weight W] [--ignore-index K] [--focal-gamma G] [--focal-alpha A] [--reduction mean|sum]
  [--renormalise | --no-renormalise] [--base e|2] [--label-column NAME] [--pred-columns A,B,...]
  [--class-names A,B,...|FILE] [--top K] [--per-sample OUT.csv] [--skip-invalid] [--explain LINE]
  [--no-progress] [--labels LABELS_FILE] [--state-out STATE.json]
  [--format text|markdown|json] [--fail-if CONDITION]...
  [--label-issues] [--label-issues-rank self-confidence|normalized-margin] [--label-issues-csv OUT.csv]
  [--label-issues-filter prune-by-noise-rate|confident-learning]
  [--temperature]
       loss-lens merge STATE.json... [--json | --format text|markdown|json] [--fail-if CONDITION]...
  [--state-out STATE.json]
       loss-lens run FILE...|FOLDER|GLOB [--json] [--top K] [--per-sample OUT.csv] [--match auto|order]
  [--id-column NAME] [FILE's loss options]
       loss-lens compare A B [--json | --format text|markdown|json] [--fail-if "delta..."]...
  [--resamples N] [--seed S] [--top K] [--match auto|order] [--id-column NAME | --id-column a=NAME --id-column b=NAME] [FILE's loss options]

Computes the cross-entropy of the predictions in FILE (CSV, TSV, JSON, JSONL, optionally .gz;
NumPy .npy / .npz, safetensors, Parquet, Arrow / Feather) with a per-class breakdown, the worst
samples and the layout Loss Lens inferred. --labels names the file holding the labels of FILE's rows, for arrays saved
apart (np.save("logits.npy", z); np.save("labels.npy", y)); a pair named so is found without it.
--renormalise divides each row of class probabilities by its sum before the loss (as Keras and
scikit-learn 1.2 do); --no-renormalise takes rows as they are; by default the preset decides.
--pred-columns and --class-names take a comma-separated list, or a JSON array for names with
commas ('["a, b","c"]'); --class-names also takes a file: one name per line, a JSON array, or a
Hugging Face config.json (its id2label). Class names are in column order; for one probability
column, NEGATIVE,POSITIVE (the column is P(POSITIVE)).
--explain LINE derives the loss of the sample on that line, step by step.
Several FILEs, a folder (the files in it Loss Lens reads) or a quoted glob ('preds/*.jsonl') are
one data set (shards), read in parallel: every file must have the layout of the first.
--state-out writes what the files add up to as a state file; \`loss-lens merge\` merges state files
(shards read apart, e.g. on a cluster's workers) into the report one read of all of them gives.
\`loss-lens run\` reads files over the same samples, one per epoch or checkpoint (a run; in natural
order of their names, epoch_2 before epoch_10), not one data set: each file's mean and per-class
loss, the --top samples whose loss rose most from the first file to the last, the forgotten
samples (right in one file, wrong in the next: Toneva et al. 2019) and the dataset cartography
regions (Swayamdipta et al. 2020: easy to learn, ambiguous, hard to learn). Samples are matched by
an id column when every file has one (id, sample_id, email_id, imageId, filename, path, ...: a
name of ids, values distinct), else by row order (--match order: by row order whatever the
columns; --id-column NAME: by that column, refused when a file lacks it or repeats an id); files that disagree
(another number of rows, a label that differs) are refused, naming the file and line. With run,
--per-sample OUT.csv writes each sample's confidence, variability, correctness, region,
forgetting events and its loss in its first and last file. One FILE with a column of epochs
(epoch, global_step, step, checkpoint, iteration, ...: a training loop's one log) is a run too:
its rows grouped by that column's value, in increasing order, each group one file of the run.
\`loss-lens compare A B\` compares two files over the same samples (say two models, or a checkpoint
and the next), B against A, rows matched as run matches them (by an id column both files have,
else by order; --match and --id-column as for run, and --id-column a=NAME --id-column b=NAME
when the files name their id column apart (one may be left to inference); samples in one file only are counted and
named, and refused when fewer than half are in both; files whose labels disagree at a sample are
refused, naming the lines): the
difference of the mean loss (B minus A) with a 95% paired bootstrap interval (--resamples, default
2000, Poisson bootstrap seeded by --seed, default 1), the samples fixed (wrong in A, right in B) and
broken, McNemar's exact test on them, each class's difference with its interval, and a sentence
saying whether each difference is within noise. Its --fail-if conditions are over the difference:
${deltaFieldsHelp()}, e.g. "delta.mean>0.01", "delta.class[cat].mean>0.02",
"delta.meanLow>0" (B is worse beyond noise), "delta.broken>10".
--format markdown writes the report as Markdown (for a CI job summary or a pull request comment);
--format json is --json.
--fail-if CONDITION (repeatable) fails the run (exit 1) when the condition holds, e.g.
"mean>0.35", "class[cat].recall<0.9", "class[3].f1<=0.8" (a class by name, else by index).
Fields: ${REPORT_FIELDS.join(', ')},
class[NAME].${CLASS_FIELDS.join('|')}; comparisons < <= > >= == !=.
auc and ap (ROC AUC and average precision; binary files, and the macro mean over the labels of
multi-label files) come from bucketed scores and are known within bounds: a condition fails the
run if it holds anywhere within them.
Each failed condition and its value go to stderr; the report is still written, and with --json
carries a "gate" object.
--label-issues finds likely label errors by confident learning (ce and bce files; four more
passes over the rows, two with --label-issues-filter confident-learning): the estimated noise
rate per class and the --top most likely issues (line, given label, suggested label, score),
ranked by --label-issues-rank (default
self-confidence: p of the given label; normalized-margin: (p given - highest other p + 1) / 2),
lowest first; --json carries them under diagnostics.results.labelIssues (both rankings, the first
1000 each); --label-issues-csv OUT.csv writes that list as CSV (and implies --label-issues).
--label-issues-filter: which rows are flagged: prune-by-noise-rate (the default, cleanlab's: per
off-diagonal cell (i, j) of the calibrated joint, that many rows labelled i with the largest
p_j - p_i) or confident-learning (the rows off the confident joint's diagonal:
fewer rows, more of them wrong); either way not the rows predicted as their label.
--temperature fits one temperature T* on the file (ce and bce; logits / T, or p^(1/T)
renormalised for probabilities) and splits the log loss (no smoothing, weights or focal term) into
the part T* removes (calibration) and the rest (refinement), overall and per class, with the ECE
before and after: one more pass for a file of up to 2M scores (fitted in memory), else a few (Newton
on a sample, then exact passes); --json carries it under diagnostics.results.temperature.
Exit status: 0 success, 1 bad input or a --fail-if condition holds, 2 bad usage.`;

/** A mistake in the command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
}

function num(flag: string, value: string | undefined, check?: (n: number) => string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} expects a number, not "${value}"`);
  const problem = check?.(n);
  if (problem) throw new UsageError(`--${flag} ${problem}, not ${value}`);
  return n;
}

const nonNegative = (n: number) => (n < 0 ? 'must be >= 0' : undefined);

/**
 * parseArgs refuses a value that starts with a dash, but `--ignore-index -100` is PyTorch's own
 * default and what users type: glue negative numbers to the option before them.
 */
function glueNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    const prev = out[out.length - 1];
    if (/^-(\d|\.\d)/.test(arg) && prev !== undefined && /^--[a-z-]+$/.test(prev)) out[out.length - 1] = `${prev}=${arg}`;
    else out.push(arg);
  }
  return out;
}

/** A list flag's value: `a,b,c`, or a JSON array when a name holds a comma. */
export function nameList(flag: string, value: string): string[] {
  const names = parseNameList(value);
  if (!Array.isArray(names)) throw new UsageError(`--${flag}: ${names.error}`);
  return names;
}

/** `--class-names` given inline (a list with a comma, or a JSON array) rather than as a file. */
function looksLikeList(value: string): boolean {
  return value.trim().startsWith('[') || value.includes(',');
}

export function parseCliArgs(argv: string[]): CliArgs | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: glueNegativeNumbers(argv),
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        loss: { type: 'string', default: 'auto' },
        input: { type: 'string', default: 'auto' },
        preset: { type: 'string', default: 'classic' },
        'label-smoothing': { type: 'string' },
        'class-weights': { type: 'string' },
        'pos-weight': { type: 'string' },
        'ignore-index': { type: 'string' },
        'focal-gamma': { type: 'string' },
        'focal-alpha': { type: 'string' },
        renormalise: { type: 'boolean' },
        'no-renormalise': { type: 'boolean' },
        reduction: { type: 'string', default: 'mean' },
        base: { type: 'string', default: 'e' },
        'label-column': { type: 'string' },
        'pred-columns': { type: 'string' },
        'class-names': { type: 'string' },
        labels: { type: 'string' },
        'state-out': { type: 'string' },
        top: { type: 'string', default: '10' },
        'per-sample': { type: 'string' },
        'skip-invalid': { type: 'boolean', default: false },
        explain: { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        format: { type: 'string' },
        'fail-if': { type: 'string', multiple: true },
        'label-issues': { type: 'boolean', default: false },
        'label-issues-rank': { type: 'string' },
        'label-issues-csv': { type: 'string' },
        'label-issues-filter': { type: 'string' },
        temperature: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.version) return 'version';
  if (parsed.positionals.length === 0) throw new UsageError('expected a FILE');
  if (parsed.positionals.length > 1) {
    const one = v.explain !== undefined ? '--explain' : v['per-sample'] !== undefined ? '--per-sample' : v.labels !== undefined ? '--labels' : undefined;
    if (one !== undefined) throw new UsageError(`${one} is for one FILE, not ${parsed.positionals.length}`);
  }
  const smoothing = num('label-smoothing', v['label-smoothing'], (n) => (n < 0 || n >= 1 ? 'must be in [0, 1)' : undefined)) ?? 0;
  const top = num('top', v.top, (n) => (!Number.isInteger(n) || n < 0 ? 'must be a whole number >= 0' : undefined)) ?? 10;
  const ignoreIndex = num('ignore-index', v['ignore-index'], (n) => (Number.isInteger(n) ? undefined : 'must be a whole number'));
  const classWeights = v['class-weights']?.split(',').map((w, i) => num(`class-weights (item ${i + 1})`, w, nonNegative) as number);
  const predColumns = v['pred-columns'] === undefined ? undefined : nameList('pred-columns', v['pred-columns']);
  const classNamesArg = v['class-names'];
  const classNames =
    classNamesArg === undefined ? undefined : looksLikeList(classNamesArg) ? nameList('class-names', classNamesArg) : { file: classNamesArg };
  if (v.renormalise && v['no-renormalise']) throw new UsageError('--renormalise and --no-renormalise contradict each other: give one');
  const renormalise = v.renormalise ? true : v['no-renormalise'] ? false : undefined;
  const output = reportOutput(v.json as boolean, v.format, v['fail-if']);
  const diagnostics: DiagnosticKey[] = [];
  const rank = v['label-issues-rank'];
  const filter = v['label-issues-filter'];
  const labelIssues = v['label-issues'] || rank !== undefined || v['label-issues-csv'] !== undefined || filter !== undefined
    ? {
        ranking: rank === undefined ? 'self-confidence' as const : oneOf('label-issues-rank', rank, RANKINGS),
        ...(v['label-issues-csv'] === undefined ? {} : { csv: v['label-issues-csv'] }),
        ...(filter === undefined ? {} : { filter: oneOf('label-issues-filter', filter, FILTERS) }),
      }
    : undefined;
  if (v.temperature) diagnostics.push('temperature');
  if (labelIssues !== undefined) diagnostics.push('labelIssues');
  if (v.explain !== undefined && (output.failIf.length > 0 || output.format === 'markdown')) {
    throw new UsageError(`--explain writes one sample's derivation: --fail-if and --format go with the report`);
  }
  return {
    file: parsed.positionals[0] as string,
    files: parsed.positionals,
    ...(v['state-out'] === undefined ? {} : { stateOut: v['state-out'] }),
    ...(v.labels === undefined ? {} : { labels: v.labels }),
    ...output,
    loss: oneOf('loss', v.loss as string, ['auto', 'bce', 'ce', 'multilabel'] as const),
    input: oneOf('input', v.input as string, ['auto', 'probs', 'logits'] as const),
    preset: oneOf('preset', v.preset as string, PRESET_NAMES),
    labelSmoothing: smoothing,
    classWeights,
    posWeight: num('pos-weight', v['pos-weight'], nonNegative),
    ignoreIndex,
    focalGamma: num('focal-gamma', v['focal-gamma'], nonNegative),
    focalAlpha: num('focal-alpha', v['focal-alpha'], (n) => (n < 0 || n > 1 ? 'must be in [0, 1]' : undefined)),
    ...(renormalise === undefined ? {} : { renormalise }),
    reduction: oneOf('reduction', v.reduction as string, ['mean', 'sum'] as const),
    base: oneOf('base', v.base as string, ['e', '2'] as const),
    labelColumn: v['label-column'],
    predColumns,
    ...(classNames === undefined ? {} : { classNames }),
    top,
    perSample: v['per-sample'],
    skipInvalid: v['skip-invalid'] as boolean,
    progress: !(v['no-progress'] as boolean),
    explain: num('explain', v.explain, (n) => (!Number.isInteger(n) || n < 1 ? 'must be a line number (1 or more)' : undefined)),
    diagnostics,
    ...(labelIssues === undefined ? {} : { labelIssues }),
  };
}

/** --json, --format and --fail-if, validated; --format json is --json. */
function reportOutput(json: boolean, format: string | undefined, failIf: string[] | undefined): ReportOutput {
  const form = format === undefined ? undefined : oneOf('format', format, ['text', 'markdown', 'json'] as const);
  if (json && form !== undefined && form !== 'json') throw new UsageError(`--json and --format ${form} contradict each other: give one`);
  const conditions = (failIf ?? []).map((c) => {
    try {
      const condition = parseCondition(c);
      if (isDeltaCondition(condition)) throw new GateError(`${JSON.stringify(c)}: delta.* compares two files: loss-lens compare A B --fail-if ${JSON.stringify(c)}`);
      return condition;
    } catch (err) {
      if (err instanceof GateError) throw new UsageError(`--fail-if ${err.message}`);
      throw err;
    }
  });
  return { json: json || form === 'json', format: form === 'markdown' ? 'markdown' : 'text', failIf: conditions };
}

/** `loss-lens merge STATE... [--json] [--state-out OUT]`: state files (or quoted globs of them) to merge. */
export interface MergeArgs extends ReportOutput {
  states: string[];
  stateOut?: string;
}

export function parseMergeArgs(argv: string[]): MergeArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        'state-out': { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
        format: { type: 'string' },
        'fail-if': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    // The loss options are the states' own: name the ones that cannot be given here.
    throw new UsageError(`merge: ${(err as Error).message} (merge takes --json, --format, --fail-if and --state-out; the options are those the states were made with)`);
  }
  if (parsed.values.help) return 'help';
  if (parsed.positionals.length === 0) throw new UsageError('merge: expected STATE files (written by loss-lens FILE --state-out STATE.json)');
  const output = reportOutput(parsed.values.json as boolean, parsed.values.format, parsed.values['fail-if']);
  return {
    states: parsed.positionals,
    ...output,
    ...(parsed.values['state-out'] === undefined ? {} : { stateOut: parsed.values['state-out'] }),
  };
}

/** `loss-lens run`'s arguments: FILE's, and how samples are matched. */
export interface RunArgs extends CliArgs {
  /** 'order': by row order even when the files have an id column. */
  match: 'auto' | 'order';
}

/** How run and compare match samples: `--match auto|order` and `--id-column NAME`, taken out of argv. */
export function takeMatchOptions(argv: string[]): { match: 'auto' | 'order'; idColumn?: string; rest: string[] } {
  let match: 'auto' | 'order' = 'auto';
  let idColumn: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = ['--match', '--id-column'].find((f) => a === f || a.startsWith(`${f}=`));
    if (flag === undefined) {
      rest.push(a);
      continue;
    }
    const value = a === flag ? argv[++i] : a.slice(flag.length + 1);
    if (value === undefined) throw new UsageError(`${flag} expects a value`);
    if (flag === '--match') match = oneOf('match', value, ['auto', 'order'] as const);
    else if (value.trim() === '') throw new UsageError('--id-column expects a column name');
    else idColumn = value;
  }
  if (match === 'order' && idColumn !== undefined) throw new UsageError(`--match order and --id-column ${idColumn} contradict each other: give one`);
  return { match, ...(idColumn === undefined ? {} : { idColumn }), rest };
}

/**
 * `loss-lens run FILES...|FOLDER|GLOB [options]`: the files of a run, with FILE's loss options,
 * --top, --json; not the options that go with one file or one report (--explain, --fail-if...).
 */
export function parseRunArgs(argv: string[]): RunArgs | 'help' {
  // --match and --id-column are run's own: taken out before FILE's options are parsed.
  const { match, idColumn, rest } = takeMatchOptions(argv);
  const parsed = parseCliArgs(rest);
  if (parsed === 'help' || parsed === 'version') return 'help';
  const one = parsed.explain !== undefined ? '--explain' : parsed.labels !== undefined ? '--labels'
    : parsed.stateOut !== undefined ? '--state-out' : parsed.failIf.length > 0 ? '--fail-if' : parsed.format === 'markdown' ? '--format markdown'
    : parsed.diagnostics.length > 0 ? 'a diagnostic (--label-issues, --temperature)' : undefined;
  if (one !== undefined) throw new UsageError(`${one} is not an option of run (it takes FILE's loss options, --top, --json, --per-sample, --match, --id-column and --no-progress)`);
  return { ...parsed, match, ...(idColumn === undefined ? {} : { idColumn }) };
}
