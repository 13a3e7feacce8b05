/**
 * loss-lens FILE... [options], loss-lens merge STATE...: the command-line front end over the core (see USAGE).
 * Exit status: 0 success, 1 bad input (located problems on stderr), 2 bad usage.
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { AnalysisError, OptionsError, type Analysis, type AnalysisRequest } from '../core/analyze';
import { formatProblems } from '../core/parse';
import { mergeShardParts, naturalCompare, shardAnalysis, ShardLayoutError, type ShardPart } from '../core/shards';
import { parseStateFile, stateFileOf, StateFileError, statesToMerge } from '../core/state-file';
import type { SampleEval } from '../core/types';
import { analyzeFile } from '../node/analyze-file';
import { analyzeShards, type ShardEntry } from '../node/analyze-shards';
import { refusalBeside } from '../node/beside';
import { diagnoseFiles, fileEntry } from '../node/diagnose';
import { isSetArgument, ShardArgumentError, shardEntries } from '../node/shard-args';
import { withFileSource } from '../node/file-source';
import { isFileChanged } from '../core/file-changed';
import { renderExplanation } from './explain';
import { parseCliArgs, parseMergeArgs, UsageError, USAGE, type CliArgs, type MergeArgs, type ReportOutput } from './args';
import { classNamesFromFile } from './class-names';
import { silentProgress, terminalProgress } from './progress';
import { GateError } from '../core/gate';
import { emitReport, prepareReport, type PreparedReport } from './report-output';
import { mainRun } from './run';
import { parseCompareArgs, runCompare, type CompareArgs } from './compare';
import { addLabelIssues } from './label-issues';
import { addTemperature } from './temperature';

declare const LOSS_LENS_VERSION: string;

export function requestFromArgs(args: CliArgs): AnalysisRequest {
  return {
    loss: {
      preset: args.preset,
      labelSmoothing: args.labelSmoothing,
      classWeights: args.classWeights,
      posWeight: args.posWeight,
      ignoreIndex: args.ignoreIndex,
      focalGamma: args.focalGamma,
      focalAlpha: args.focalAlpha,
      ...(args.renormalise === undefined ? {} : { renormalise: args.renormalise }),
      reduction: args.reduction,
      base: args.base,
    },
    overrides: {
      labelColumn: args.labelColumn,
      predColumns: args.predColumns,
      kind: args.loss === 'auto' ? undefined : args.loss,
      input: args.input === 'auto' ? undefined : args.input,
      classNames: args.classNames === undefined || Array.isArray(args.classNames) ? args.classNames : classNamesFromFile(args.classNames.file),
      ...(args.idColumn === undefined ? {} : { idColumn: args.idColumn }),
    },
    skipInvalid: args.skipInvalid,
    topK: args.top,
    calibrationBins: 15,
    ...(args.labelIssues?.filter === undefined ? {} : { labelIssuesFilter: args.labelIssues.filter }),
  };
}

/** Per-sample losses as CSV, written in 1 MB blocks straight from the reading loop. */
function perSampleWriter(path: string) {
  const fd = openSync(path, 'w');
  let buffer = 'row,line,loss,weight,true_class,predicted_class,confidence\n';
  const flush = () => {
    writeSync(fd, buffer);
    buffer = '';
  };
  return {
    onEval(e: SampleEval, row: number, line: number) {
      if (e.ignored) return;
      buffer += `${row},${line},${e.loss},${e.weight},${e.trueClass},${e.predictedClass},${e.confidence}\n`;
      if (buffer.length > 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

/**
 * The report and its gate, or the exit status of a condition naming a class the report does not
 * have (a usage error: nothing is written, not even the state file).
 */
function prepared(analysis: Analysis, output: ReportOutput): PreparedReport | number {
  try {
    return prepareReport(analysis, output);
  } catch (err) {
    if (!(err instanceof GateError)) throw err;
    process.stderr.write(`loss-lens: --fail-if ${err.message}\n`);
    return 2;
  }
}

/** Writes a state file whole or not at all: to a temporary name beside it, then renamed. */
function writeStateFile(path: string, part: ShardPart, request: AnalysisRequest): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stateFileOf(part, request, LOSS_LENS_VERSION)) + '\n');
  renameSync(tmp, path);
}

/** The exit status and stderr lines of a failed read (any front end of the CLI). */
function failure(err: unknown, skipInvalid: boolean): number {
  // Supersedes the rows a rewrite or truncation broke: one line, the file's, exit 1.
  if (isFileChanged(err)) {
    process.stderr.write(`${err.file}: ${err.message}\n`);
    return 1;
  }
  if (err instanceof AnalysisError) {
    const unlisted = err.errorCount - err.problems.length;
    process.stderr.write(formatProblems(err.file, err.problems, unlisted).join('\n') + '\n');
    if (err.badRows && !skipInvalid) {
      const n = err.errorCount;
      process.stderr.write(`loss-lens: ${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'} could not be read: fix ${n === 1 ? 'it' : 'them'}, or leave ${n === 1 ? 'it' : 'them'} out of the loss with --skip-invalid (the report then counts the rows skipped)\n`);
    }
    return 1;
  }
  if (err instanceof OptionsError) {
    process.stderr.write(`loss-lens: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`loss-lens: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}

/**
 * Several files (or a folder, or a glob) read as one data set, or one file with --state-out:
 * the report, and the state file when asked for.
 */
async function mainShards(args: CliArgs, request: AnalysisRequest): Promise<number> {
  const one = args.explain !== undefined ? '--explain' : args.perSample !== undefined ? '--per-sample' : undefined;
  if (one !== undefined) {
    process.stderr.write(`loss-lens: ${one} reads one file: not with a folder, a glob or --state-out\n`);
    return 2;
  }
  let entries: ShardEntry[];
  try {
    if (args.labels !== undefined) {
      if (await isSetArgument(args.file)) {
        process.stderr.write(`loss-lens: --labels goes with one file, not with a folder or a glob (the pairs in one are found by name)\n`);
        return 2;
      }
      entries = [{ path: args.file, name: args.file, labels: { path: args.labels, name: args.labels } }];
    } else {
      entries = await shardEntries(args.files);
    }
  } catch (err) {
    if (err instanceof ShardArgumentError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const progress = args.progress && process.stderr.isTTY ? terminalProgress(process.stderr, 'reading') : silentProgress;
  try {
    const { analysis, part } = await analyzeShards(entries, request, {
      onProgress: (done, total) => progress.update(done, total),
      workerScript: `${__dirname}/worker.js`,
    });
    if (args.diagnostics.length > 0) analysis.diagnostics = await diagnoseFiles(analysis, request, entries, args.diagnostics, { progress: (m) => progress.say(m) });
    progress.clear();
    const report = prepared(analysis, args);
    if (typeof report === 'number') return report;
    addTemperature(analysis, args, report);
    addLabelIssues(analysis, args, report);
    if (args.stateOut !== undefined) writeStateFile(args.stateOut, part, request);
    return emitReport(report);
  } catch (err) {
    progress.clear();
    if (err instanceof ShardLayoutError) {
      process.stderr.write(`loss-lens: ${err.message}\n`);
      return 1;
    }
    // One file read alone (a rank with --state-out, as the Dask recipe runs it): said what would settle it.
    const lone = entries.length === 1 && !(await isSetArgument(args.file)) ? entries[0]! : undefined;
    return failure(lone === undefined ? err : await refusalBeside(err, lone.path, lone.name, request), args.skipInvalid);
  }
}

/** The state files merge's arguments name: files as given, quoted globs matched in natural order. */
async function stateFiles(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const info = (() => {
      try {
        return statSync(arg);
      } catch {
        return undefined;
      }
    })();
    if (info?.isFile()) out.push(arg);
    else if (info === undefined && isDynamicPattern(arg)) {
      const matches = (await glob([arg], { onlyFiles: true, absolute: isAbsolute(arg), expandDirectories: false })).sort(naturalCompare);
      if (matches.length === 0) throw new StateFileError(`${arg}: no file matches this pattern`);
      out.push(...matches);
    } else throw new StateFileError(`${arg}: ${info === undefined ? 'no such file' : 'not a file'}`);
  }
  return [...new Set(out)];
}

/** `loss-lens merge STATE...`: state files of shards read apart, merged into the report of one read of all. */
async function mainMerge(argv: string[]): Promise<number> {
  let args: MergeArgs;
  try {
    const parsed = parseMergeArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    args = parsed;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`loss-lens: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  try {
    const names = await stateFiles(args.states);
    const states = names.map((name) => ({ name, state: parseStateFile(readFileSync(name, 'utf8'), name) }));
    const { parts, request } = statesToMerge(states, LOSS_LENS_VERSION);
    const report = prepared(shardAnalysis(parts, request), args);
    if (typeof report === 'number') return report;
    if (args.stateOut !== undefined) writeStateFile(args.stateOut, mergeShardParts(parts, request), request);
    return emitReport(report);
  } catch (err) {
    if (err instanceof StateFileError) {
      process.stderr.write(`loss-lens merge: ${err.message}\n`);
      return 1;
    }
    return failure(err, false);
  }
}

/** `loss-lens compare A B`: two files over the same samples, with statistics and a delta.* gate. */
async function mainCompare(argv: string[]): Promise<number> {
  let c: CompareArgs;
  let request: AnalysisRequest;
  try {
    const parsed = parseCompareArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    c = parsed;
    request = requestFromArgs(c.args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`loss-lens: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  return runCompare(c, request, (err) => failure(err, c.args.skipInvalid));
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return mainMerge(argv.slice(1));
  if (argv[0] === 'run') return mainRun(argv.slice(1), requestFromArgs, failure);
  if (argv[0] === 'compare') return mainCompare(argv.slice(1));
  let args: CliArgs;
  try {
    const parsed = parseCliArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (parsed === 'version') {
      process.stdout.write(`${LOSS_LENS_VERSION}\n`);
      return 0;
    }
    args = parsed;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`loss-lens: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }

  const asSet = args.files.length > 1 || args.stateOut !== undefined || (await isSetArgument(args.file));
  if (asSet) {
    try {
      return await mainShards(args, requestFromArgs(args));
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`loss-lens: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  }

  try {
    if (!statSync(args.file).isFile()) {
      process.stderr.write(`${args.file}: not a file\n`);
      return 1;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(`${args.file}: ${code === 'ENOENT' ? 'no such file' : `cannot open (${code ?? String(err)})`}\n`);
    return 1;
  }

  let request: AnalysisRequest;
  try {
    request = requestFromArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`loss-lens: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const progress = args.progress && process.stderr.isTTY ? terminalProgress(process.stderr, 'reading') : silentProgress;
  const perSample = args.perSample ? perSampleWriter(args.perSample) : undefined;
  try {
    const analysis = await analyzeFile(args.file, request, {
      onProgress: (done, total) => progress.update(done, total),
      onEval: perSample?.onEval,
      workerScript: `${__dirname}/worker.js`,
      ...(args.labels === undefined ? {} : { labels: { path: args.labels, name: args.labels } }),
    });
    if (args.diagnostics.length > 0) {
      const labels = args.labels === undefined ? undefined : { path: args.labels, name: args.labels };
      analysis.diagnostics = await diagnoseFiles(analysis, request, [await fileEntry(args.file, args.file, labels)], args.diagnostics, { progress: (m) => progress.say(m) });
    }
    progress.clear();
    if (args.explain !== undefined) {
      const line = args.explain;
      const text = await withFileSource(args.file, args.file, (source) => renderExplanation(source, analysis, line));
      if (text === undefined) {
        process.stderr.write(`${args.file}:${args.explain}: no sample starts on this line\n`);
        return 1;
      }
      process.stdout.write(text);
      return 0;
    }
    const report = prepared(analysis, args);
    if (typeof report === 'number') return report;
    addTemperature(analysis, args, report);
    addLabelIssues(analysis, args, report);
    return emitReport(report);
  } catch (err) {
    progress.clear();
    return failure(await refusalBeside(err, args.file, args.file, request), args.skipInvalid);
  } finally {
    perSample?.close();
  }
}

// A reader that stops early (`loss-lens f.csv | head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
