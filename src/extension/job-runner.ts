/**
 * What differs between the desktop and the web extension host: where a job runs (a Node worker
 * thread over the file on disk, or a Web Worker over bytes read through vscode.workspace.fs) and
 * how a file is named in a job and stamped for the cache. AnalysisService takes either runner.
 */
import type * as vscode from 'vscode';
import type { JobResult, WorkerJob } from '../node/file-worker';

export type { FileJob, JobResult, WorkerJob } from '../node/file-worker';

/** The result of a job of kind `Op`. */
export type ResultOf<Op extends WorkerJob['op']> = Extract<JobResult, { op: Op }>;

export interface RunJobOptions {
  signal?: AbortSignal;
  /** 0..1 of the job, or null when the total is unknown (gzip). */
  onProgress?: (fraction: number | null) => void;
}

/** What the cache keys a file's results on besides its name: they change when the file does. */
export interface FileStamp {
  mtimeMs: number;
  size: number;
}

/**
 * A folder's stamp: the latest modification and the sizes added up over its files (the
 * folder's own time changes when a file is added or removed, not when one is rewritten).
 */
export function folderStamp(folder: FileStamp, files: readonly FileStamp[]): FileStamp {
  return { mtimeMs: Math.max(folder.mtimeMs, ...files.map((f) => f.mtimeMs)), size: files.reduce((n, f) => n + f.size, 0) };
}

export interface JobRunner {
  /** URI schemes of the files it reads: `file` on the desktop, also remote and virtual folders in the browser. */
  readonly schemes: readonly string[];
  /** Where jobs run, said once in the output channel (which build a user has, when support asks). */
  readonly where: string;
  /** How a job names the file: a file system path (desktop) or a URI string (web). */
  pathOf(uri: vscode.Uri): string;
  /** For a folder (read as one data set), over the files it holds that Loss Lens reads. */
  stamp(uri: vscode.Uri): Promise<FileStamp>;
  isFolder(uri: vscode.Uri): Promise<boolean>;
  /**
   * Whether its worker reads a file that alone cannot settle its layout with the files beside it
   * of its name by itself (the desktop's lists its folder); otherwise AnalysisService asks for
   * their layout (a 'layoutBeside' job) and reads the file with it.
   */
  readonly readsBeside: boolean;
  run<Op extends WorkerJob['op']>(job: Extract<WorkerJob, { op: Op }>, opts: RunJobOptions): Promise<ResultOf<Op>>;
}
