/**
 * The browser build's runner: each job runs in a Web Worker of its own (dist/web/worker.js). A
 * file of code-server's workspace (`vscode-remote:`) is streamed by the worker from the server's
 * resource URL; any other (vscode.dev's virtual folders) is read whole through
 * vscode.workspace.fs by the host and its bytes transferred to the worker, so it is held in
 * memory while it is analysed. A per-sample export comes back as bytes, which the host writes
 * with vscode.workspace.fs.
 *
 * A file that changes while a job reads it (a training loop writing it) is caught by comparing
 * its stat (size and modification time; the workspace file system has no inode) before the job
 * and after its bytes were read: a FileChangedError then, whatever the job found.
 */
import * as vscode from 'vscode';
import { folderStamp, type JobRunner, type ResultOf, type RunJobOptions, type WorkerJob } from '../extension/job-runner';
import { folderShardNames } from '../shared/commands';
import { besideNames, naturalCompare } from '../core/shards';
import { WEB_WORKSPACE_SCHEMES } from '../extension/schemes';
import { FileChangedError, sameIdentity, type FileIdentity } from '../core/file-changed';
import { CancelledError } from '../shared/cancelled';
import { errorOf } from '../shared/failure';
import { workerEnding } from '../shared/worker-ending';
import { npyPair } from '../core/columnar/pairing';
import { RunLayoutError } from '../core/run/assemble';
import { saying, subfolderRun } from '../shared/run-subfolders';
import { workspaceListing } from '../extension/run/listing';
import type { FileJob } from '../node/file-worker';
import type { StreamedFile } from './fetch-source';
import { filesOf, isStreamed, type WebFiles, type WebJobOutcome, type WebWorkerMessage, type WebWorkerRequest } from './job';

/** A buffer holding exactly the file's bytes, which can be transferred (not copied) to the worker. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer);
}

/**
 * Workers started from a blob: URL holding the worker script. The web extension host refuses
 * `new Worker` on an extension's own `vscode-remote:` URI (code-server serves extensions so:
 * "Creating workers from remote extensions is currently not supported"), and a page may not
 * start a worker from another origin's script (vscode.dev's extension CDN). Its fetch resolves
 * both, and a blob: URL belongs to the extension host's own origin.
 */
export function blobWorkers(scriptUrl: string): () => Promise<Worker> {
  let url: Promise<string> | undefined;
  const load = async () => {
    const response = await fetch(scriptUrl);
    if (!response.ok) throw new Error(`cannot load the analysis worker ${scriptUrl}: HTTP ${response.status}`);
    return URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
  };
  return async () => {
    url ??= load().catch((err: unknown) => {
      url = undefined; // Tried again by the next job (a network hiccup is not forever).
      throw err;
    });
    return new Worker(await url, { name: 'Loss Lens analysis' });
  };
}

/**
 * The http URL the worker can stream a file from, when there is one: the web extension host's
 * fetch resolves a `vscode-remote:` URI (code-server's workspace) to the server's resource URL,
 * which a first request finds (and is then cut off after the first bytes: gzip or not). Other
 * schemes (vscode.dev's virtual folders, local files) have only vscode.workspace.fs.
 */
async function streamable(uri: vscode.Uri): Promise<StreamedFile | undefined> {
  if (uri.scheme !== 'vscode-remote') return undefined;
  const probe = new AbortController();
  try {
    const response = await fetch(uri.toString(true), { signal: probe.signal });
    if (!response.ok || !response.body || !/^https?:/i.test(response.url)) return undefined;
    const head = await response.body.getReader().read();
    const gzip = head.value !== undefined && head.value[0] === 0x1f && head.value[1] === 0x8b;
    if (gzip) return { url: response.url, gzip };
    return { url: response.url, size: (await vscode.workspace.fs.stat(uri)).size, gzip };
  } catch {
    return undefined; // Read whole through vscode.workspace.fs instead.
  } finally {
    probe.abort();
  }
}

/** The file as the workspace file system sees it now; null when it is gone. */
async function identityOf(uri: vscode.Uri): Promise<FileIdentity | null> {
  try {
    const info = await vscode.workspace.fs.stat(uri);
    return { size: info.size, mtimeMs: info.mtime };
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return null;
    throw err;
  }
}

/** A file a job reads, as it was when the job began. */
interface Watched {
  uri: vscode.Uri;
  name: string;
  before: FileIdentity;
}

/** The first of `files` that is not as it was, as the error to report. */
async function changeOf(files: Watched[]): Promise<FileChangedError | undefined> {
  for (const f of files) {
    const now = await identityOf(f.uri);
    if (now === null || !sameIdentity(f.before, now)) return new FileChangedError(f.name, f.before, now);
  }
  return undefined;
}

/** The pair an `.npy` file belongs to, from the names beside it in the workspace file system. */
async function pairOf(path: string, name: string): Promise<{ path: string; name: string; labels: NonNullable<FileJob['labels']> } | undefined> {
  const uri = vscode.Uri.parse(path);
  if (!/\.npy$/i.test(uri.path)) return undefined;
  const dir = vscode.Uri.joinPath(uri, '..');
  const siblings = await vscode.workspace.fs.readDirectory(dir).then((entries) => entries.map(([n]) => n), () => [] as string[]);
  const pair = npyPair(uri.path, siblings);
  if (pair === undefined) return undefined;
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const dirName = name.slice(0, name.length - base(uri.path).length);
  const at = (p: string) => ({ path: vscode.Uri.joinPath(dir, base(p)).toString(), name: dirName + base(p) });
  return { ...at(pair.predictions), labels: { ...at(pair.labels), found: true } };
}

/** The files of a folder Loss Lens reads, in natural order, as the desktop's shardEntries lists them. */
async function folderFiles(dir: vscode.Uri): Promise<string[]> {
  const entries = await vscode.workspace.fs.readDirectory(dir);
  return folderShardNames(entries.filter(([, type]) => (type & vscode.FileType.File) !== 0).map(([n]) => n)).sort(naturalCompare);
}

/**
 * The files beside a file of its name (rank0.jsonl beside rank1.jsonl), it among them, as the
 * desktop's besideEntries lists them; only their first rows are read (streamed where the server
 * serves the file). None when it is alone of its name.
 */
async function besideFiles(path: string, name: string): Promise<NonNullable<FileJob['shards']>> {
  const uri = vscode.Uri.parse(path);
  const dir = vscode.Uri.joinPath(uri, '..');
  const own = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  const names = besideNames(own, await folderFiles(dir).catch(() => [] as string[]));
  const dirName = name.slice(0, name.length - own.length);
  return names.map((n) => ({ path: n === own ? path : vscode.Uri.joinPath(dir, n).toString(), name: dirName + n }));
}

/**
 * A folder's files as one data set (FileJob.shards): named by the folder's name and their own,
 * the labels of a .npy pair with its scores' file rather than as a file of their own.
 */
async function withShards(f: FileJob): Promise<FileJob> {
  const dir = vscode.Uri.parse(f.path);
  if (!(await isFolder(dir))) return f;
  const names = await folderFiles(dir);
  if (names.length === 0) throw new Error(`${f.name}: a folder with no file Loss Lens reads (.csv, .tsv, .json, .jsonl, .ndjson, optionally .gz; .npy, .npz, .safetensors, .parquet, .arrow, .feather)`);
  const at = (n: string) => ({ path: vscode.Uri.joinPath(dir, n).toString(), name: `${f.name}/${n}` });
  const shards = new Map<string, NonNullable<FileJob['shards']>[number]>();
  for (const n of names) {
    const pair = /\.npy$/i.test(n) ? npyPair(n, names) : undefined;
    if (pair === undefined) shards.set(n, at(n));
    else if (!shards.has(pair.predictions)) shards.set(pair.predictions, { ...at(pair.predictions), labels: at(pair.labels) });
  }
  return { ...f, shards: [...shards.values()].sort((a, b) => naturalCompare(a.name, b.name)) };
}

/**
 * A run's files (Open Run...), as the desktop's worker lists them (node/run-job.ts): a folder's
 * files (a .npy pair's with its labels' file), or a file per subfolder when it holds none of its
 * own, or the files as chosen, in natural order of names; and the sentences saying a folder was
 * read by subfolder.
 */
async function runFiles(sources: readonly { path: string; name: string }[], request: FileJob['request']): Promise<{ files: { path: string; name: string; labels?: { path: string; name: string } }[]; said: string[] }> {
  const out: { path: string; name: string; labels?: { path: string; name: string } }[] = [];
  const said: string[] = [];
  for (const s of sources) {
    const dir = vscode.Uri.parse(s.path);
    // A folder of checkpoint folders: a file per subfolder, chosen as the desktop's worker chooses (shared/run-subfolders.ts).
    const sub = (await isFolder(dir)) ? subfolderRun(s.name, await workspaceListing(dir)) : undefined;
    if (sub?.kind === 'refused') throw new RunLayoutError(sub.why);
    if (sub !== undefined) {
      out.push(...sub.files.map((f) => ({ path: vscode.Uri.joinPath(dir, ...f.split('/')).toString(), name: `${s.name}/${f}` })));
      said.push(sub.text);
      continue;
    }
    const expanded = await withShards({ path: s.path, name: s.name, request });
    if (expanded.shards !== undefined) out.push(...expanded.shards);
    else {
      const pair = await pairOf(s.path, s.name);
      out.push(pair === undefined ? { path: s.path, name: s.name } : { path: pair.path, name: pair.name, labels: { path: pair.labels.path, name: pair.labels.name } });
    }
  }
  const unique = new Map(out.map((f) => [f.path, f]));
  return { files: [...unique.values()].sort((a, b) => naturalCompare(a.name, b.name)), said };
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
}

/**
 * The job with each `.npy` file it reads paired with its labels' file, as the desktop's
 * analyzeFile pairs them (a job on the labels' half reads the pair from its scores' half).
 */
async function withPairs(job: WorkerJob): Promise<{ job: WorkerJob; said?: string[] }> {
  const pairFile = async (f: FileJob): Promise<FileJob> => (f.labels !== undefined ? f : { ...f, ...((await pairOf(f.path, f.name)) ?? {}) });
  switch (job.op) {
    case 'analyze':
    case 'diagnose': {
      const file = await withShards(job.file);
      return { job: { ...job, file: file.shards === undefined ? await pairFile(file) : file } };
    }
    case 'perSampleCsv':
      return { job: { ...job, file: await pairFile(job.file) } };
    case 'compare':
      return { job: { ...job, base: await pairFile(job.base), other: await pairFile(job.other) } };
    case 'run': {
      const { files, said } = await runFiles(job.sources, job.request);
      return { job: { ...job, sources: files }, said };
    }
    case 'layoutBeside':
      return { job: { ...job, shards: await besideFiles(job.path, job.name) } };
    case 'preview':
    case 'sample': {
      const pair = job.labels === undefined ? await pairOf(job.path, job.name) : undefined;
      return { job: pair === undefined || pair.path !== job.path ? job : { ...job, labels: pair.labels } };
    }
    default:
      return { job };
  }
}


export function webJobRunner(newWorker: () => Promise<Worker>): JobRunner {
  return {
    schemes: WEB_WORKSPACE_SCHEMES,
    where: 'browser build (web extension host): jobs run in a Web Worker over files read whole through the workspace file system',
    pathOf: (uri) => uri.toString(),
    async stamp(uri) {
      const info = await vscode.workspace.fs.stat(uri);
      if ((info.type & vscode.FileType.Directory) === 0) return { mtimeMs: info.mtime, size: info.size };
      const files = await Promise.all((await folderFiles(uri)).map((n) => vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, n))));
      return folderStamp({ mtimeMs: info.mtime, size: 0 }, files.map((f) => ({ mtimeMs: f.mtime, size: f.size })));
    },
    isFolder,
    readsBeside: false,
    async run<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: RunJobOptions): Promise<ResultOf<Op>> {
      const asked: WorkerJob = job;
      // A sampled estimate stands in while a large file is read in full; here the file is read
      // whole either way, so there is nothing quicker to show.
      if (asked.op === 'estimate') return { op: 'estimate', estimate: null } as ResultOf<Op>;
      const files: WebFiles = {};
      const { job: paired, said = [] } = await withPairs(job);
      const names = filesOf(paired);
      // Files the worker streams, checked again once it is done.
      const streamed: Watched[] = [];
      for (const path of names.keys()) {
        if (opts.signal?.aborted) throw new CancelledError();
        const uri = vscode.Uri.parse(path);
        const before = await identityOf(uri);
        const watched = before === null ? undefined : { uri, name: names.get(path) ?? path, before };
        const stream = await streamable(uri);
        if (stream) {
          files[path] = watched ? { ...stream, mtimeMs: watched.before.mtimeMs } : stream;
          if (watched) streamed.push(watched);
        } else {
          files[path] = ownBuffer(await vscode.workspace.fs.readFile(uri));
          // The bytes are the file's if it did not change while they were read.
          const change = watched && (await changeOf([watched]));
          if (change) throw change;
        }
      }
      if (opts.signal?.aborted) throw new CancelledError();
      let outcome: WebJobOutcome;
      try {
        outcome = await inWorker(await newWorker(), { type: 'job', job: paired, files }, opts);
      } catch (err) {
        // A change supersedes what the job met in the torn stream (rows cut short).
        const change = err instanceof CancelledError ? undefined : await changeOf(streamed).catch(() => undefined);
        throw change ?? err;
      }
      const change = await changeOf(streamed);
      if (change) throw change;
      const { output } = outcome;
      // The report says how a folder's subfolders gave the run's files, as the desktop's does (node/run-job.ts).
      const result = outcome.result.op === 'run' ? { ...outcome.result, run: saying(outcome.result.run, said) } : outcome.result;
      if (asked.op === 'perSampleCsv') {
        if (!output) throw new Error('the analysis worker sent no CSV');
        await vscode.workspace.fs.writeFile(vscode.Uri.parse(asked.out), new Uint8Array(output));
      }
      return result as ResultOf<Op>;
    },
  };
}

function inWorker(worker: Worker, request: Extract<WebWorkerRequest, { type: 'job' }>, opts: RunJobOptions): Promise<WebJobOutcome> {
  return new Promise<WebJobOutcome>((resolve, reject) => {
    if (opts.signal?.aborted) {
      worker.terminate();
      reject(new CancelledError());
      return;
    }
    const finish = workerEnding({ cancel: () => worker.postMessage('cancel' satisfies WebWorkerRequest), terminate: () => worker.terminate() }, opts.signal, reject);
    worker.onmessage = (event: MessageEvent<WebWorkerMessage>) => {
      const m = event.data;
      if (m.type === 'progress') opts.onProgress?.(m.fraction);
      else if (m.type === 'done') finish(() => resolve(m.output ? { result: m.result, output: m.output } : { result: m.result }));
      else finish(() => reject(errorOf(m.failure)));
    };
    worker.onerror = (event) => finish(() => reject(new Error(`the analysis worker failed: ${event.message}`)));
    worker.postMessage(request, Object.values(request.files).filter((f) => !isStreamed(f)) as ArrayBuffer[]);
  });
}
