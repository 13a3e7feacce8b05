/** The desktop runner: jobs run in dist/file-worker.js (a worker thread) over the file on disk. */
import { stat } from 'node:fs/promises';
import type * as vscode from 'vscode';
import { runInWorker } from '../node/analyze-in-worker';
import type { JobRunner } from './job-runner';

export function nodeJobRunner(workerScript: string): JobRunner {
  return {
    schemes: ['file'],
    where: 'desktop build: jobs run in a Node worker thread over files on disk',
    pathOf: (uri) => uri.fsPath,
    async stamp(uri: vscode.Uri) {
      const info = await stat(uri.fsPath);
      return { mtimeMs: info.mtimeMs, size: info.size };
    },
    run: (job, opts) => runInWorker(job, { workerScript, signal: opts.signal, onProgress: opts.onProgress }),
  };
}
