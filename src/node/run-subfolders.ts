/**
 * A run's folder whose own files hold no predictions but whose subfolders do (Trainer's
 * out/checkpoint-500/predictions.jsonl, ...), on disk: the listing for shared/run-subfolders.ts, which
 * chooses the files. The CLI's `loss-lens run out/` and the editor's Open Run... (run-job.ts) both
 * read the folder so.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RunLayoutError } from '../core/run/assemble';
import { ownFilesRead, subfolderRun, type FolderListing } from '../shared/run-subfolders';

/** The names in `dir` that are files and those that are folders (a link counted as what it points to). */
async function kinds(dir: string): Promise<{ files: string[]; folders: string[] }> {
  const files: string[] = [];
  const folders: string[] = [];
  for (const n of await readdir(dir)) {
    const info = await stat(join(dir, n)).catch(() => undefined);
    if (info?.isFile()) files.push(n);
    else if (info?.isDirectory()) folders.push(n);
  }
  return { files, folders };
}

async function listing(dir: string): Promise<FolderListing> {
  const own = await kinds(dir);
  // A flat folder's subfolders are not read (a folder of epoch files beside a large `logs/`).
  if (ownFilesRead(own.files)) return { files: own.files, folders: [] };
  const folders = await Promise.all(own.folders.filter((n) => !n.startsWith('.')).map(async (n) => ({ name: n, files: (await kinds(join(dir, n))).files })));
  return { files: own.files, folders };
}

/**
 * The run's files in the subfolders of `dir` (named `name` to the user): paths, names under
 * `name`, and the sentence saying how they were chosen; undefined when the folder's own files are
 * the run (or there is nothing). Throws RunLayoutError when the subfolders hold no one file each.
 */
export async function subfolderFiles(dir: string, name: string): Promise<{ files: { path: string; name: string }[]; text: string } | undefined> {
  const run = subfolderRun(name, await listing(dir));
  if (run === undefined) return undefined;
  if (run.kind === 'refused') throw new RunLayoutError(run.why);
  return { files: run.files.map((f) => ({ path: join(dir, ...f.split('/')), name: `${name}/${f}` })), text: run.text };
}

/**
 * The CLI's FILE arguments with each folder read as a file per subfolder replaced by those files
 * (shard-args.ts lists the rest), and the sentences saying so.
 */
export async function subfolderArgs(args: readonly string[]): Promise<{ files: string[]; said: string[] }> {
  const files: string[] = [];
  const said: string[] = [];
  for (const arg of args) {
    const sub = (await stat(arg).catch(() => undefined))?.isDirectory() ? await subfolderFiles(arg, arg.replace(/[\\/]+$/, '') || arg) : undefined;
    if (sub === undefined) files.push(arg);
    else {
      files.push(...sub.files.map((f) => f.path));
      said.push(sub.text);
    }
  }
  return { files, said };
}
