/**
 * A data set of several files on disk (shards: `preds/*.jsonl`, a folder of `part-*.npz`, rank
 * files given one by one) read as one. The layout is inferred on every file, the set's evidence
 * shared (shards.ts, inferShardLayouts), and each must agree with the first's (checkShardLayouts); then the files, or pieces of the large ones,
 * are units of work that this thread and worker threads (dist/worker.js, a 'shards' job) claim
 * from one shared counter, each thread filling one accumulator, merged at the end (shardPart).
 * What the CLI's arguments name (globs among them) is listed by shard-args.ts.
 */
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { inferFileLayout, type Analysis, type AnalysisRequest } from '../core/analyze';
import { foundBesideEvidence } from '../core/columnar/pairing';
import type { FileIdentity } from '../core/file-changed';
import { MIN_SPLIT_BYTES, type Layout } from '../core/parse';
import {
  analyzeShardShare, checkShardLayouts, inferShardLayouts, naturalCompare, planShardUnits, shardAnalysis, shardPart,
  type InferShard, type ShardPart, type ShardShare, type ShardUnit,
} from '../core/shards';
import { folderShardNames } from '../shared/commands';
import type { ShardsWorkerInput } from './analysis-worker';
import { labelsBeside } from './analyze-file';
import { withFileSource } from './file-source';
import { checkIdentities, shardOpener, type ShardEntry } from './shard-source';
import { runWorkerJob, spawnWorker, type SpareWorker } from './spare-worker';

export type { ShardEntry } from './shard-source';

/**
 * The files of a data set as entries, in natural order of their names (`shard_2` before
 * `shard_10`), each once. A .npy file is read with the other half of its pair (found beside it
 * by name), the labels' file then being no file of its own.
 */
export async function pairedEntries(paths: readonly string[]): Promise<ShardEntry[]> {
  const unique = [...new Set(paths)].sort(naturalCompare);
  // Either half of a pair, or both, stand for the pair: its scores' file once, with its labels.
  const entries = new Map<string, ShardEntry>();
  for (const p of unique) {
    const pair = await labelsBeside(p);
    if (pair === undefined) entries.set(p, { path: p, name: p });
    else if (!entries.has(pair.predictions)) entries.set(pair.predictions, { path: pair.predictions, name: pair.predictions, labels: { path: pair.labels, name: pair.labels } });
  }
  return [...entries.values()].sort((a, b) => naturalCompare(a.name, b.name));
}

/** The files of a folder that Loss Lens reads (not recursing, no dot files, no datasets metadata: folderShardNames); none: an empty list. */
export async function folderFiles(dir: string): Promise<string[]> {
  const files = [];
  for (const n of folderShardNames(await readdir(dir))) if ((await stat(join(dir, n)).catch(() => undefined))?.isFile()) files.push(join(dir, n));
  return files;
}

/** What a folder with no file Loss Lens reads is told. */
export const EMPTY_FOLDER = 'a folder with no file Loss Lens reads (.csv, .tsv, .json, .jsonl, .ndjson, optionally .gz; .npy, .npz, .safetensors, .parquet, .arrow, .feather)';

export interface AnalyzeShardsOptions {
  signal?: AbortSignal;
  /** Bytes read so far, out of the files' sizes added up. */
  onProgress?: (bytesRead: number, total: number) => void;
  /** Threads that read, this one included (default: the machine's cores). */
  threads?: number;
  /** Path of the bundled worker (dist/worker.js); defaults to worker.js beside this bundle. */
  workerScript?: string;
  /** Below this many bytes in all, this thread reads every file alone (default MIN_SPLIT_BYTES). */
  splitBytes?: number;
}

interface WorkerShardShare {
  share: ShardShare;
  identities: (FileIdentity | null)[];
}

function runWorker(spare: SpareWorker, input: ShardsWorkerInput, signal: AbortSignal | undefined, onProgress: (n: number) => void): Promise<WorkerShardShare> {
  return runWorkerJob(spare, { type: 'shards', input }, signal, onProgress, (m: WorkerShardShare): WorkerShardShare => ({ share: m.share, identities: m.identities }));
}

interface Inferred {
  layout: Layout;
  identity: FileIdentity;
  /** Size of the content (undefined for gzip) and on disk. */
  size: number | undefined;
  fileSize: number;
}

async function inferEntry(e: ShardEntry, request: AnalysisRequest, signal: AbortSignal | undefined): Promise<Inferred> {
  return withFileSource(e.path, e.name, async (source) => {
    const layout =
      e.labels === undefined
        ? await inferFileLayout(source, request, signal)
        : await withFileSource(e.labels.path, e.labels.name, (labels) => inferFileLayout(source, request, signal, labels));
    return { layout, identity: source.identity, size: source.size, fileSize: source.fileSize };
  });
}

/**
 * Reads the files as one data set: the report (`files` listing them when there are several) and
 * the part it adds up to, for a state file. Throws ShardLayoutError when a file's layout differs
 * from the first's, AnalysisError (problems naming their files) when a read fails.
 */
export async function analyzeShards(entries: readonly ShardEntry[], request: AnalysisRequest, opts: AnalyzeShardsOptions = {}): Promise<{ analysis: Analysis; part: ShardPart }> {
  if (entries.length === 0) throw new Error('no files to read');
  const threads = Math.max(1, opts.threads ?? availableParallelism());
  const splitBytes = opts.splitBytes ?? MIN_SPLIT_BYTES;
  const script = opts.workerScript ?? join(__dirname, 'worker.js');
  const diskSizes = await Promise.all(entries.map((e) => stat(e.path).then((s) => s.size, () => 0)));
  // Boot the workers while the layouts are inferred when the read will be shared (see analyze-file.ts).
  const spares = threads >= 2 && diskSizes.reduce((a, b) => a + b, 0) >= splitBytes ? Array.from({ length: threads - 1 }, () => spawnWorker(script)) : [];
  try {
    // Each file's identity and sizes as its first inference saw them (a file settled by another's layout is inferred twice).
    const inferred: Inferred[] = [];
    const infer: InferShard = async (i, overrides) => {
      const x = await inferEntry(entries[i]!, overrides === undefined ? request : { ...request, overrides }, opts.signal);
      inferred[i] ??= x;
      return x.layout;
    };
    const shared = await inferShardLayouts(entries.map((e) => e.name), infer, shardOpener(entries).open, request, opts.signal);
    const files = shared.map((x, i) => {
      const labels = entries[i]!.labels;
      // A pair found beside its scores is said in the layout's evidence, as for one file.
      return labels === undefined ? x : { ...x, layout: { ...x.layout, evidence: [x.layout.evidence[0]!, foundBesideEvidence(labels.path, entries[i]!.path), ...x.layout.evidence.slice(1)] } };
    });
    const layouts = files.map((f) => f.layout);
    checkShardLayouts(files);
    const total = inferred.reduce((n, x) => n + (x.size ?? x.fileSize), 0);
    let units = planShardUnits(layouts, inferred.map((x) => x.size), inferred.map((x) => x.fileSize), threads, splitBytes);
    let shares = await readUnits(entries, layouts, units, request, threads, spares, script, total, opts);
    checkIdentities(entries, inferred.map((x) => x.identity), shares.map((s) => s.identities));
    // A quoted newline seen only past the inference sample makes byte ranges unsafe: read those files whole.
    const unsafe = new Set(shares.flatMap((s) => s.share.pieces.filter((p) => p.read.splitUnsafe).map((p) => units[p.unit]!.file)));
    if (unsafe.size > 0) {
      units = units.filter((u, i) => !unsafe.has(u.file) || units.findIndex((v) => v.file === u.file) === i).map((u) => (unsafe.has(u.file) ? { file: u.file } : u));
      shares = await readUnits(entries, layouts, units, request, threads, spares, script, total, opts);
      checkIdentities(entries, inferred.map((x) => x.identity), shares.map((s) => s.identities));
    }
    const part = shardPart(files, units, request, shares.map((s) => s.share));
    return { analysis: shardAnalysis([part], request), part };
  } finally {
    for (const s of spares) void s.worker.terminate();
  }
}

/** This thread and up to `threads - 1` workers (the spares first) claim the units from one counter. */
async function readUnits(
  entries: readonly ShardEntry[], layouts: Layout[], units: ShardUnit[], request: AnalysisRequest, threads: number, spares: SpareWorker[], script: string, total: number, opts: AnalyzeShardsOptions,
): Promise<WorkerShardShare[]> {
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const readers = Math.min(threads, units.length);
  const progress = Array.from({ length: readers }, () => 0);
  const report = () => opts.onProgress?.(progress.reduce((a, b) => a + b, 0), total);
  // A failed worker ends the read: this thread stops too instead of reading on for nothing.
  const stop = new AbortController();
  const abort = () => stop.abort();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    const input: ShardsWorkerInput = { files: [...entries], layouts, units, request, next };
    const workers = Array.from({ length: readers - 1 }, (_, i) =>
      runWorker(spares.shift() ?? spawnWorker(script), input, opts.signal, (n) => {
        progress[i + 1] = n;
        report();
      }).catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    );
    const opener = shardOpener(entries);
    const own = analyzeShardShare(request, layouts, units, opener.open, {
      claim: () => Atomics.add(counter, 0, 1),
      signal: stop.signal,
      typedState: true,
      onProgress: (n) => {
        progress[0] = n;
        report();
      },
    }).then((share) => ({ share, identities: opener.identities }));
    return await Promise.all([own, ...workers]);
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
}
