/**
 * The files the CLI's FILE arguments name, when they name a data set (shards): files as given, a
 * folder's files, a glob's matches.
 *
 * Globs are matched by tinyglobby (Node 20 has no fs.glob; it came in Node 22): a small package
 * (fdir and picomatch, no other dependency) bundled into dist/cli.js only; the extension lists
 * folders, never globs.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { READABLE_FILE_RE } from '../shared/commands';
import { EMPTY_FOLDER, folderFiles, pairedEntries, type ShardEntry } from './analyze-shards';

/** A FILE argument that names no file, or a glob or folder with none Loss Lens reads. */
export class ShardArgumentError extends Error {
  override name = 'ShardArgumentError';
}

/** Whether an argument names a data set rather than one file: a folder, or a glob pattern that is not a file's own name. */
export async function isSetArgument(arg: string): Promise<boolean> {
  const info = await stat(arg).catch(() => undefined);
  if (info !== undefined) return info.isDirectory();
  return isDynamicPattern(arg);
}

/**
 * The files the arguments name, in natural order of their names (`shard_2` before `shard_10`),
 * each once: files as given, a folder's files that Loss Lens reads (not recursing, no dot files),
 * a glob's matches (those with a name Loss Lens reads: `preds/*` leaves the README out); a .npy
 * pair as one entry (pairedEntries).
 */
export async function shardEntries(args: readonly string[]): Promise<ShardEntry[]> {
  const paths: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) {
      const files = await folderFiles(arg);
      if (files.length === 0) throw new ShardArgumentError(`${arg}: ${EMPTY_FOLDER}`);
      paths.push(...files);
    } else if (info !== undefined) {
      paths.push(arg);
    } else if (isDynamicPattern(arg)) {
      const matches = (await glob([arg], { onlyFiles: true, absolute: isAbsolute(arg), expandDirectories: false })).filter((m) => READABLE_FILE_RE.test(m));
      if (matches.length === 0) throw new ShardArgumentError(`${arg}: no file Loss Lens reads matches this pattern`);
      paths.push(...matches);
    } else {
      throw new ShardArgumentError(`${arg}: no such file`);
    }
  }
  return pairedEntries(paths);
}
