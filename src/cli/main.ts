/**
 * loss-lens FILE [options]: the command-line front end over the core (see USAGE).
 * Exit status: 0 success, 1 bad input (located problems on stderr), 2 bad usage.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { AnalysisError, OptionsError, type AnalysisRequest } from '../core/analyze';
import { formatProblems } from '../core/parse';
import { reportJson, stringifyReport } from '../core/report-json';
import type { SampleEval } from '../core/types';
import { analyzeFile } from '../node/analyze-file';
import { withFileSource } from '../node/file-source';
import { isFileChanged } from '../core/file-changed';
import { renderExplanation } from './explain';
import { parseCliArgs, UsageError, USAGE, type CliArgs } from './args';
import { classNamesFromFile } from './class-names';
import { silentProgress, terminalProgress } from './progress';
import { renderTextReport } from '../shared/render/report-text';

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
    },
    skipInvalid: args.skipInvalid,
    topK: args.top,
    calibrationBins: 15,
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

export async function main(argv: string[]): Promise<number> {
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
    process.stdout.write(args.json ? stringifyReport(reportJson(analysis)) + '\n' : renderTextReport(analysis));
    return 0;
  } catch (err) {
    progress.clear();
    // Supersedes the rows a rewrite or truncation broke: one line, the file's, exit 1.
    if (isFileChanged(err)) {
      process.stderr.write(`${err.file}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof AnalysisError) {
      const unlisted = err.errorCount - err.problems.length;
      process.stderr.write(formatProblems(err.file, err.problems, unlisted).join('\n') + '\n');
      if (err.badRows && !args.skipInvalid) {
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
