/** The desktop runner: jobs run in dist/file-worker.js (a worker thread) over the file on disk. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { runInWorker } from '../node/analyze-in-worker';
import { isShardFileName } from '../shared/commands';
import { folderStamp, type JobRunner } from './job-runner';

export function nodeJobRunner(workerScript: string): JobRunner {
  return {
    schemes: ['file'],
    where: 'desktop build: jobs run in a Node worker thread over files on disk',
    pathOf: (uri) => uri.fsPath,
    async stamp(uri: vscode.Uri) {
      const info = await stat(uri.fsPath);
      if (!info.isDirectory()) return { mtimeMs: info.mtimeMs, size: info.size };
      const files = [];
      for (const name of (await readdir(uri.fsPath)).filter(isShardFileName)) {
        const f = await stat(join(uri.fsPath, name)).catch(() => undefined);
        if (f?.isFile()) files.push({ mtimeMs: f.mtimeMs, size: f.size });
      }
      return folderStamp({ mtimeMs: info.mtimeMs, size: 0 }, files);
    },
    isFolder: async (uri) => (await stat(uri.fsPath)).isDirectory(),
    readsBeside: true,
    run: (job, opts) => runInWorker(job, { workerScript, signal: opts.signal, onProgress: opts.onProgress }),
  };
}
