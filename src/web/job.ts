/**
 * The Web Worker's job logic, free of any worker API so it runs (and is tested) in Node as is:
 * a job and the bytes of its files in, progress and one result (or failure) message out. The
 * host read the files through vscode.workspace.fs, so they are whole in memory here.
 */
import { analyze, AnalysisError, type PartOptions } from '../core/analyze';
import { dataRowReader, runDiagnostics } from '../core/diagnostics';
import { bytesSource, readLayout } from '../core/parse';
import { labelsEvidence } from '../core/columnar/pairing';
import type { FileJob, FileWorkerMessage, JobResult, WorkerJob } from '../node/file-worker';
import { PER_SAMPLE_HEADER, perSampleLine, topChanged } from '../node/per-sample';
import { compareOrRefuse, sampleCollector } from '../core/compare';
import { compareSide } from '../core/compare/side';
import { sampleOnLine } from '../core/sample-on-line';
import { previewBinary } from '../core/columnar/preview';
import { inferByOpening, inferShardLayouts, readBeside, readShardsHere, type OpenShard } from '../core/shards';
import { checkRunFiles, readRunSource, runAssembler, runJobResult } from '../core/run/assemble';
import { readEpochSource } from '../core/run/epochs';
import { idIndex } from '../core/run/match';
import { assembleParts, firstPart, otherPart, type RunPart } from '../core/run/parts';
import type { LeftOut } from '../node/run';
import { failureOf } from '../shared/failure';
import { fetchSource, fetchWhole, type StreamedFile } from './fetch-source';
import { BINARY_FILE_RE } from '../shared/commands';

/**
 * Every file a job names (keyed by the job's path): its bytes, read by the host, or a URL the
 * worker streams it from itself (see fetch-source.ts).
 */
export type WebFiles = Record<string, ArrayBuffer | StreamedFile>;

export function isStreamed(file: ArrayBuffer | StreamedFile): file is StreamedFile {
  return typeof (file as Partial<StreamedFile>).url === 'string';
}

/** What the host posts: a job and its files, or a cancel. */
export type WebWorkerRequest = { type: 'job'; job: WorkerJob; files: WebFiles } | 'cancel';

/**
 * What the worker posts: the desktop file worker's messages, and with a per-sample export its
 * CSV as bytes, for the host to write with vscode.workspace.fs (a Web Worker cannot write files).
 */
export type WebWorkerMessage =
  | Exclude<FileWorkerMessage, { type: 'done' }>
  | { type: 'done'; result: JobResult; output?: ArrayBuffer };

/** A job's result, and the bytes of the file it produced, if any. */
export interface WebJobOutcome {
  result: JobResult;
  output?: ArrayBuffer;
}

/** Every `path` a job names (its own, or its files'): the URIs the host must read. */
export function pathsOf(job: WorkerJob): string[] {
  return [...filesOf(job).keys()];
}

/** Every file a job names, by path, with its name in messages (a file's labels' file too). */
export function filesOf(job: WorkerJob): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (value: unknown): void => {
    // A run's files are a list.
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object' || !('path' in value) || typeof value.path !== 'string') return;
    // A folder read as one data set: its files are read, not the folder.
    if ('shards' in value && Array.isArray(value.shards)) {
      for (const shard of value.shards) visit(shard);
      return;
    }
    files.set(value.path, 'name' in value && typeof value.name === 'string' ? value.name : value.path);
    if ('labels' in value) visit(value.labels);
  };
  for (const value of [job, ...Object.values(job)]) visit(value);
  return files;
}

/** Gzip files are recognised by their magic bytes, as on the desktop, and inflated in one go. */
async function contentOf(buffer: ArrayBuffer): Promise<Uint8Array> {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([buffer]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The per-sample CSV as UTF-8 bytes, encoded a MiB of text at a time: the text of a large file
 * is never held whole as a string besides its bytes.
 */
function csvWriter() {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let text = PER_SAMPLE_HEADER;
  const flush = () => {
    chunks.push(encoder.encode(text));
    text = '';
  };
  return {
    write(line: string) {
      text += line;
      if (text.length > 1 << 20) flush();
    },
    bytes(): ArrayBuffer {
      flush();
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      chunks.length = 0;
      return out.buffer;
    },
  };
}

export async function runWebJob(
  job: WorkerJob,
  files: WebFiles,
  signal: AbortSignal,
  progress: (fraction: number | null) => void,
): Promise<WebJobOutcome> {
  const source = async (path: string, name: string) => {
    const file = files[path];
    if (!file) throw new Error(`${name}: the file was not sent to the worker`);
    // By shape, not instanceof: a buffer from another realm (a test's vm context) is one too.
    if (!isStreamed(file)) return bytesSource(name, await contentOf(file));
    return BINARY_FILE_RE.test(name) ? bytesSource(name, await fetchWhole(name, file, signal)) : fetchSource(name, file, signal);
  };
  // Fraction of the whole job: a comparison reads two files, each half the bar.
  const read = async (file: FileJob, offset: number, share: number, onEval?: PartOptions['onEval'], onLayout?: PartOptions['onLayout']) => {
    const src = await source(file.path, file.name);
    const labels = file.labels && (await source(file.labels.path, file.labels.name));
    const total = src.size;
    const analysis = await analyze(src, file.request, {
      signal, onEval, onLayout, labels, onProgress: (done) => progress(total ? offset + (share * Math.min(done, total)) / total : null),
      ...(file.layout === undefined ? {} : { layout: file.layout }),
    });
    if (file.labels !== undefined) analysis.layout.evidence.splice(1, 0, labelsEvidence(file.labels, file.name));
    return analysis;
  };
  // A folder's files, or the one file (with its labels' file), for a read of each.
  const opener = (file: FileJob): OpenShard => {
    const list = file.shards ?? [{ path: file.path, name: file.name, ...(file.labels === undefined ? {} : { labels: file.labels }) }];
    return async (i, readWith) => {
      const s = list[i]!;
      return readWith(await source(s.path, s.name), s.labels && (await source(s.labels.path, s.labels.name)));
    };
  };
  // A folder's files as one data set, read by this worker alone (see readShardsHere).
  const readShards = async (file: FileJob, shards: NonNullable<FileJob['shards']>) => {
    const total = shards.reduce<number | undefined>((n, s) => {
      const f = files[s.path];
      const size = f === undefined ? undefined : isStreamed(f) ? f.size : f.byteLength;
      return n === undefined || size === undefined ? undefined : n + size;
    }, 0);
    const open = opener(file);
    const names = shards.map((s) => (s.labels === undefined ? { name: s.name } : { name: s.name, labels: s.labels.name }));
    return readShardsHere(names, open, file.request, { signal, onProgress: (done) => progress(total ? Math.min(done, total) / total : null) });
  };
  switch (job.op) {
    case 'analyze': {
      const analysis = job.file.shards === undefined ? await read(job.file, 0, 1) : await readShards(job.file, job.file.shards);
      return { result: { op: 'analyze', analysis } };
    }
    case 'diagnose': {
      const open = opener(job.file);
      const shards = job.file.shards;
      const layouts = shards === undefined ? [job.analysis.layout] : (await inferShardLayouts(shards.map((s) => s.name), inferByOpening(open, job.file.request, signal), open, job.file.request, signal)).map((x) => x.layout);
      const reader = dataRowReader(job.analysis, job.file.request, layouts, open, signal);
      return { result: { op: 'diagnose', diagnostics: await runDiagnostics(job.analysis, job.file.request, reader, job.keys, signal) } };
    }
    case 'layoutBeside': {
      // The host listed the files beside it of its name (web/runner.ts), it among them.
      const shards = job.shards ?? [];
      const at = shards.findIndex((f) => f.path === job.path);
      const open = opener({ path: job.path, name: job.name, request: job.request, shards });
      const beside = at < 0 ? undefined : await readBeside(shards.map((f) => f.name), at, open, job.request, signal);
      return { result: { op: 'layoutBeside', beside: beside ?? null } };
    }
    case 'layout': {
      const head = await readLayout(await source(job.path, job.name), { overrides: job.overrides, skipInvalid: true, signal });
      if (!head.ok) throw new AnalysisError(job.name, head.problems, Math.max(head.errorCount, 1), false, head.layout.columns);
      return { result: { op: 'layout', layout: head.layout } };
    }
    case 'sample': {
      const labels = job.labels && (await source(job.labels.path, job.labels.name));
      const hit = await sampleOnLine(await source(job.path, job.name), job.layout, job.line, signal, job.row, labels);
      return { result: { op: 'sample', hit: hit ?? null } };
    }
    case 'preview': {
      const labels = job.labels && (await source(job.labels.path, job.labels.name));
      const preview = await previewBinary(await source(job.path, job.name), labels);
      return { result: { op: 'preview', preview: preview ?? null } };
    }
    case 'compare': {
      // As the desktop's file worker (src/node/file-worker.ts): each read 45% of the bar, the resampling 10%.
      const a = sampleCollector();
      const base = await read(job.base, 0, 0.45, a.onEval, a.onLayout);
      const b = sampleCollector();
      const other = await read(job.other, 0.45, 0.45, b.onEval, b.onLayout);
      const [sa, sb] = [compareSide(job.base.name, base, a.result()), compareSide(job.other.name, other, b.result())];
      const { outcome, other: aligned } = compareOrRefuse(sa, sb, {
        ...(job.match === undefined ? {} : { match: job.match }),
        unit: base.options.base === '2' ? 'bits' : 'nats',
        onProgress: (f) => {
          signal.throwIfAborted();
          progress(0.9 + 0.1 * f);
        },
      });
      const changed = aligned === undefined ? [] : topChanged(sa.columns, aligned, job.topN);
      return { result: { op: 'compare', base, other, changed, outcome } };
    }
    case 'estimate':
      // The runner answers this itself (no estimate: the whole file is read anyway).
      return { result: { op: 'estimate', estimate: null } };
    case 'perSampleCsv': {
      // The same rows as the desktop's file worker writes (src/node/file-worker.ts).
      const csv = csvWriter();
      let rows = 0;
      const analysis = await read(job.file, 0, 1, (e, row, line) => {
        if (e.ignored) return;
        rows++;
        csv.write(perSampleLine(e, row, line));
      });
      return { result: { op: 'perSampleCsv', analysis, rows }, output: csv.bytes() };
    }
    case 'run': {
      // One file may hold the whole run, its epochs told apart by a column (core/run/epochs.ts), as on the desktop.
      const only = job.sources.length === 1 && job.sources[0]!.labels === undefined ? job.sources[0]! : undefined;
      const epochs = only && (await readEpochSource(only.name, await source(only.path, only.name), job.request, { top: job.top, signal }));
      if (epochs) {
        progress(1);
        return { result: { op: 'run', run: runJobResult(epochs) } };
      }
      // The files one after the other (a Web Worker starts no workers of its own), as the desktop's readers do.
      const names = job.sources.map((f) => f.name);
      checkRunFiles(names);
      const readAt = async (f: number) => {
        const file = job.sources[f]!;
        const labels = file.labels && (await source(file.labels.path, file.labels.name));
        return readRunSource(file.name, await source(file.path, file.name), job.request, true, signal, labels);
      };
      if (job.incremental?.leaveOut) {
        // A live run's file other than the first that cannot be read, or does not match, is left out and said, as on the
        // desktop (node/run.ts readRunParts). Every file is read: the host sent them all (no parts are kept here).
        const parts: RunPart[] = [];
        const errors: unknown[] = [];
        const leftOut: LeftOut[] = [];
        let index: Map<string, number> | undefined;
        for (let f = 0; f < job.sources.length; f++) {
          const file = job.sources[f]!;
          if (f === 0) parts.push(firstPart(await readAt(0), file.path, 'auto'));
          else {
            try {
              const head = parts[0]!;
              if (index === undefined && head.first?.ids !== undefined) index = idIndex({ name: head.name, rows: head.first.rows, line: head.line, ids: head.first.ids });
              parts.push(otherPart(head, await readAt(f), file.path, 'auto', index));
            } catch (err) {
              if (signal.aborted) throw err;
              errors.push(err);
              leftOut.push({ name: file.name, path: file.path, failure: failureOf(err, signal) });
            }
          }
          progress((f + 1) / job.sources.length);
        }
        // Left with one file, the run is its first and the file left out: say why that one is not in it.
        if (parts.length < 2 && errors.length > 0) throw errors[0];
        return { result: { op: 'run', run: runJobResult(assembleParts(parts, 'auto', job.top)), leftOut } };
      }
      const assembler = runAssembler(names, 'auto');
      for (let f = 0; f < job.sources.length; f++) {
        assembler.take(f, await readAt(f));
        progress((f + 1) / job.sources.length);
      }
      return { result: { op: 'run', run: runJobResult(assembler.finish(job.top)) } };
    }
    default:
      // A job this worker does not know (a host newer than its worker): say so rather than hang.
      throw new Error(`the analysis worker does not know the job "${(job as { op: string }).op}"`);
  }
}

/**
 * The worker's message handler as a plain function: `post` is the worker's postMessage. Progress
 * is throttled to ~10 messages a second, as on the desktop; a cancel aborts the running job.
 */
export function createJobHandler(post: (m: WebWorkerMessage, transfer?: ArrayBuffer[]) => void, now: () => number = Date.now): (m: WebWorkerRequest) => Promise<void> {
  const controller = new AbortController();
  let last = -Infinity;
  const progress = (fraction: number | null) => {
    const t = now();
    if (t - last < 100) return;
    last = t;
    post({ type: 'progress', fraction });
  };
  return async (m) => {
    if (m === 'cancel') {
      controller.abort();
      return;
    }
    try {
      const { result, output } = await runWebJob(m.job, m.files, controller.signal, progress);
      if (output) post({ type: 'done', result, output }, [output]);
      else post({ type: 'done', result });
    } catch (err) {
      post({ type: 'failed', failure: failureOf(err, controller.signal) });
    }
  };
}
