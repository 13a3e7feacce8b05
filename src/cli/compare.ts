/**
 * `loss-lens compare A B [options]`: two files over the same samples, compared with statistics
 * (src/core/compare), written as text, Markdown or JSON, with a `--fail-if "delta..."` gate.
 */
import { statSync } from 'node:fs';
import type { AnalysisRequest } from '../core/analyze';
import { CompareError, deltaGateReport, DEFAULT_RESAMPLES, DEFAULT_SEED } from '../core/compare';
import { checkDeltaGate, gateFailures, GateError, isDeltaCondition, parseCondition, type Condition } from '../core/gate';
import { reportJson, stringifyReport } from '../core/report-json';
import { compareMarkdown, compareText } from '../shared/render/compare-report';
import { collectFile, compareInThreads, readBoth } from '../node/compare-files';
import { parseCliArgs, takeMatchOptions, UsageError, type CliArgs } from './args';
import { silentProgress, terminalProgress } from './progress';
import { gateJson, gateMarkdown } from './report-output';

export interface CompareArgs {
  args: CliArgs;
  /** 'order': by row order even when both files have an id column; 'id': by the id columns named per file. */
  match: 'auto' | 'order' | 'id';
  /** Each file's id column, when named per file (`--id-column a=NAME --id-column b=NAME`). */
  idColumns?: { a?: string; b?: string };
  resamples: number;
  seed: number;
}

/** `--name VALUE` or `--name=VALUE` taken out of argv, every occurrence. */
function takeOption(argv: string[], name: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      if (i + 1 >= argv.length) throw new UsageError(`compare: --${name} expects a value`);
      values.push(argv[++i]!);
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
    else rest.push(arg);
  }
  return { values, rest };
}

function wholeNumber(flag: string, values: string[], fallback: number, min: number): number {
  const v = values.at(-1);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min || n > 2 ** 31 - 1) throw new UsageError(`compare: --${flag} expects a whole number >= ${min}, not "${v}"`);
  return n;
}

/**
 * compare's own options (--resamples, --seed, and --fail-if over delta.*) are taken out first;
 * the rest are the report's (the loss options, --json, --format, --top), read as for one file.
 */
export function parseCompareArgs(argv: string[]): CompareArgs | 'help' {
  const resamples = takeOption(argv, 'resamples');
  const seed = takeOption(resamples.rest, 'seed');
  const failIf = takeOption(seed.rest, 'fail-if');
  const perFile = takeIdColumns(failIf.rest);
  const matching = takeMatchOptions(perFile.rest);
  if (perFile.idColumns !== undefined && matching.match === 'order') throw new UsageError('compare: --match order and --id-column contradict each other: give one');
  const parsed = parseCliArgs(matching.rest);
  if (parsed === 'help' || parsed === 'version') return 'help';
  if (parsed.files.length !== 2) throw new UsageError(`compare: expected two files, A and B, not ${parsed.files.length}`);
  for (const [flag, given] of [['--explain', parsed.explain], ['--per-sample', parsed.perSample], ['--state-out', parsed.stateOut], ['--labels', parsed.labels]] as const) {
    if (given !== undefined) throw new UsageError(`compare: ${flag} is for one file (loss-lens FILE ${flag} ...)`);
  }
  const conditions: Condition[] = failIf.values.map((text) => {
    try {
      const c = parseCondition(text);
      if (!isDeltaCondition(c)) checkDeltaGate([c], deltaGateReport0);
      return c;
    } catch (err) {
      if (err instanceof GateError) throw new UsageError(`--fail-if ${err.message}`);
      throw err;
    }
  });
  return {
    args: { ...parsed, failIf: conditions, ...(matching.idColumn === undefined ? {} : { idColumn: matching.idColumn }) },
    match: perFile.idColumns === undefined ? matching.match : 'id',
    ...(perFile.idColumns === undefined ? {} : { idColumns: perFile.idColumns }),
    resamples: wholeNumber('resamples', resamples.values, DEFAULT_RESAMPLES, 100),
    seed: wholeNumber('seed', seed.values, DEFAULT_SEED, 0),
  };
}

/**
 * `--id-column a=NAME` and `--id-column b=NAME` (each file's id column, named apart) taken out of
 * argv; a plain `--id-column NAME` (both files) is left for takeMatchOptions, refused beside them.
 */
function takeIdColumns(argv: string[]): { idColumns?: { a?: string; b?: string }; rest: string[] } {
  const { values, rest } = takeOption(argv, 'id-column');
  const idColumns: { a?: string; b?: string } = {};
  const plain: string[] = [];
  for (const v of values) {
    const side = /^(a|b)=/.exec(v)?.[1] as 'a' | 'b' | undefined;
    if (side === undefined) {
      plain.push(v);
      continue;
    }
    const name = v.slice(2);
    if (name.trim() === '') throw new UsageError(`compare: --id-column ${side}= expects a column name (--id-column ${side}=NAME)`);
    if (idColumns[side] !== undefined && idColumns[side] !== name) throw new UsageError(`compare: --id-column ${side}= given twice ("${idColumns[side]}", "${name}"): give one`);
    idColumns[side] = name;
  }
  if (idColumns.a === undefined && idColumns.b === undefined) return { rest: argv };
  if (plain.length > 0) throw new UsageError(`compare: --id-column ${plain[0]} (both files) and --id-column a=/b= (each file) contradict each other: give one form`);
  return { idColumns, rest };
}

/** An empty comparison, to refuse a condition that is not over delta.* before any file is read. */
const deltaGateReport0 = { mean: 0, meanLow: 0, meanHigh: 0, accuracy: 0, fixed: 0, broken: 0, pValue: 0, perClass: [] };

function checkFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? undefined : `${path}: not a file (compare reads two files)`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(err)})`}`;
  }
}

/** Reads both files at once (each keeps its samples, 33 bytes a row), then compares them, the resamples on two threads. */
export async function runCompare(
  c: CompareArgs,
  request: AnalysisRequest,
  onFailure: (err: unknown) => number,
): Promise<number> {
  const { args } = c;
  const [pathA, pathB] = args.files as [string, string];
  for (const p of [pathA, pathB]) {
    const problem = checkFile(p);
    if (problem !== undefined) {
      process.stderr.write(`${problem}\n`);
      return 1;
    }
  }
  const progress = args.progress && process.stderr.isTTY ? terminalProgress(process.stderr, 'reading') : silentProgress;
  try {
    // Each file's own id column, when named per file; the other's is inferred.
    const job = (path: string, idColumn: string | undefined) => ({ path, name: path, request: idColumn === undefined ? request : { ...request, overrides: { ...request.overrides, idColumn } } });
    const [a, b] = await readBoth(job(pathA, c.idColumns?.a), job(pathB, c.idColumns?.b), { onReadProgress: (f) => progress.update(f ?? 0, f === null ? undefined : 1) }, (file, onProgress) => collectFile(file, { onProgress }));
    progress.say('resampling');
    const { stats } = await compareInThreads(a, b, { match: c.match, resamples: c.resamples, seed: c.seed, unit: a.analysis.options.base === '2' ? 'bits' : 'nats' });
    progress.clear();
    const gate = args.failIf.length > 0 ? checkDeltaGate(args.failIf, deltaGateReport(stats)) : undefined;
    const names = { a: pathA, b: pathB };
    let text: string;
    if (args.json) {
      // NaN (an undefined interval) is written as null, an infinity as a string, as in the report.
      text = stringifyReport({ a: reportJson(a.analysis), b: reportJson(b.analysis), comparison: stats, ...(gate === undefined ? {} : { gate: gateJson(gate) }) }) + '\n';
    } else if (args.format === 'markdown') {
      text = (gate === undefined ? '' : gateMarkdown(gate).join('\n') + '\n\n') + compareMarkdown(stats, names, args.top);
    } else {
      text = compareText(stats, names, args.top);
    }
    process.stdout.write(text);
    if (gate === undefined || !gate.failed) return 0;
    process.stderr.write(gateFailures(gate).map((line) => `loss-lens compare: ${line}\n`).join(''));
    return 1;
  } catch (err) {
    progress.clear();
    if (err instanceof CompareError) {
      process.stderr.write(`loss-lens compare: ${err.message}\n`);
      return 1;
    }
    if (err instanceof GateError) {
      process.stderr.write(`loss-lens compare: --fail-if ${err.message}\n`);
      return 2;
    }
    return onFailure(err);
  }
}
