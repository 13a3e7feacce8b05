/**
 * A file that alone cannot settle its layout (a rank whose first rows use 2 of the 3 class names),
 * read with the evidence of the files beside it of its name: `rank1.jsonl` beside `rank0.jsonl`,
 * `part-00003.parquet` beside the other parts, the way the folder is read as one data set
 * (shards.ts, inferShardLayouts). Only their first rows are read. The editor reads the file so
 * (and says so); the CLI, reading one file, refuses and names what would settle it.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AnalysisError, type AnalysisRequest } from '../core/analyze';
import { overridesFlags } from '../core/parse';
import { besideNames, inferByOpening, readBeside, type ReadBeside } from '../core/shards';
import { folderShardNames } from '../shared/commands';
import { pairedEntries } from './analyze-shards';
import { shardOpener, type ShardEntry } from './shard-source';

export { nameFamily } from '../core/shards';

/**
 * The files beside `path` of its name family that Loss Lens reads, it among them, in natural
 * order (besideNames), a .npy pair as one entry. Named as `name` names `path` (its folder's part kept).
 */
export async function besideEntries(path: string, name: string): Promise<ShardEntry[]> {
  const dir = dirname(path);
  const names = besideNames(basename(path), folderShardNames(await readdir(dir).catch(() => [] as string[])));
  const named = (p: string) => join(dirname(name), basename(p));
  const entries = (await pairedEntries(names.map((n) => join(dir, n)))).map((e) => ({
    ...e,
    name: named(e.path),
    ...(e.labels === undefined ? {} : { labels: { path: e.labels.path, name: named(e.labels.path) } }),
  }));
  return entries.some((e) => e.path === path || e.labels?.path === path) && entries.length >= 2 ? entries : [];
}

export type { ReadBeside } from '../core/shards';

/**
 * The layout of the file at `path` read with the first rows of the files beside it of its name,
 * when they settle what its own rows do not; undefined when it has none, or they do not settle it
 * either (or disagree with each other).
 */
export async function layoutBeside(path: string, name: string, request: AnalysisRequest, signal?: AbortSignal): Promise<ReadBeside | undefined> {
  const entries = await besideEntries(path, name);
  const at = entries.findIndex((e) => e.path === path || e.labels?.path === path);
  if (at < 0) return undefined;
  return readBeside(entries.map((e) => e.name), at, shardOpener(entries).open, request, signal);
}

/** The names of files, a few of them: `rank0.jsonl, rank2.jsonl and 5 more`. */
function fewNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/**
 * The refusal of a file read alone (the CLI on one rank, as a Dask worker runs it), saying what
 * settles it when the files beside it do: the folder read as one data set, or the flags that pin
 * the layout they give (the class names in the order of the score columns). Any other error, or
 * a file they do not settle, passes through as it is.
 */
export async function refusalBeside(err: unknown, path: string, name: string, request: AnalysisRequest): Promise<unknown> {
  if (!(err instanceof AnalysisError) || err.badRows || err.problems.length === 0) return err;
  const found = await layoutBeside(path, name, request).catch(() => undefined);
  if (found === undefined) return err;
  const { layout } = found;
  const sorted = layout.assumptions?.some((a) => a.short === 'sorted class order') === true;
  // The input is named only where the file alone, given the class names, would read it otherwise.
  const { open } = shardOpener([{ path, name }]);
  const alone = await inferByOpening(open, request)(0, { ...request.overrides, classNames: layout.classNames }).catch(() => undefined);
  const flags = overridesFlags({ ...(alone?.input !== layout.input ? { input: layout.input } : {}), classNames: layout.classNames });
  const folder = dirname(name);
  const [p, ...rest] = err.problems;
  const message =
    `${p!.message}${p!.message.endsWith('.') ? '' : '.'} Read with the files beside it of its name (${fewNames(found.beside)}), as the folder is read as one data set, it is settled: ${layout.numClasses} classes ${layout.classNames.join(', ')}${sorted ? ' (their sorted order, assumed)' : ''}, ${layout.input}. ` +
    `Read the folder (loss-lens ${folder === '.' ? '.' : folder}/), or give ${flags}${sorted ? ' (the class names in the order of the score columns)' : ''}`;
  return new AnalysisError(err.file, [{ ...p!, message }, ...rest], err.errorCount, err.badRows, err.columns);
}
