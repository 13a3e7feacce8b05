/**
 * A run given as a folder of folders: Hugging Face Trainer's output directory holds a folder per
 * checkpoint (`checkpoint-500/`, `checkpoint-1000/`, ...), each with the predictions a callback
 * wrote beside the weights and the trainer's own files. When the folder's own files hold no
 * predictions, the run is the one file of the same name in each subfolder, in natural order of
 * the subfolders. Given a listing (not the file system), so that the desktop build (node/run-job.ts,
 * cli/run.ts) and the browser build (web/runner.ts) choose alike.
 */
import { naturalCompare } from '../core/shards';
import { folderShardNames } from './commands';

/**
 * Files Trainer writes into a checkpoint (and save_model into the output directory) that hold no
 * predictions, though Loss Lens would read their names (.json, .safetensors): left out when the
 * files of a subfolder run are chosen, as save_to_disk's metadata is for Arrow shards.
 */
const TRAINER_FILES = new Set([
  'config.json', 'generation_config.json', 'trainer_state.json', 'adapter_config.json', 'preprocessor_config.json',
  'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json', 'vocab.json',
  'model.safetensors', 'adapter_model.safetensors', 'model.safetensors.index.json',
  'all_results.json', 'train_results.json', 'eval_results.json',
]);
/** A sharded checkpoint's weights: `model-00001-of-00002.safetensors`. */
const TRAINER_SHARD_RE = /^model-\d{5}-of-\d{5}\.safetensors$/i;

function candidates(names: readonly string[]): string[] {
  return folderShardNames(names).filter((n) => !TRAINER_FILES.has(n) && !TRAINER_SHARD_RE.test(n)).sort(naturalCompare);
}

/** Whether a file in a subfolder may be a subfolder run's: a name Loss Lens reads, not one of Trainer's. */
export function subfolderCandidate(name: string): boolean {
  return candidates([name]).length > 0;
}

/** Whether a folder's own files (by name) are its run, whatever its subfolders hold: they are files Loss Lens reads, other than Trainer's. */
export function ownFilesRead(names: readonly string[]): boolean {
  return candidates(names).length > 0;
}

/** A folder's files and its subfolders' files, by name (one level down, no deeper). */
export interface FolderListing {
  files: readonly string[];
  folders: readonly { name: string; files: readonly string[] }[];
}

export type SubfolderRun =
  /** The run's files, `folder/file` relative to the folder, in run order; `text` says how they were chosen. */
  | { kind: 'files'; files: string[]; glob: string; text: string }
  /** Subfolders hold readable files, but not one of the same name each: why, naming the glob to give. */
  | { kind: 'refused'; why: string };

/**
 * A glob matching the names: their shared head and tail around a `*` (a single name: itself),
 * digits left to the `*` (checkpoint-500 and checkpoint-1000: `checkpoint-*`, not `checkpoint-*00`,
 * which the next checkpoint would not match).
 */
export function namesGlob(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  let head = names[0]!;
  for (const n of names) while (!n.startsWith(head)) head = head.slice(0, -1);
  head = head.replace(/\d+$/, '');
  let tail = names[0]!.slice(head.length);
  for (const n of names) while (!n.slice(head.length).endsWith(tail)) tail = tail.slice(1);
  tail = tail.replace(/^\d+/, '');
  return `${head}*${tail}`;
}

/** At most 6 items listed, then how many more. */
function listed(items: readonly string[]): string {
  return items.length <= 6 ? items.join(', ') : `${items.slice(0, 6).join(', ')} and ${items.length - 6} more`;
}

/**
 * The run a folder `name` stands for when its own files hold no predictions and its subfolders
 * do; undefined when its own files do (or nothing does: the caller says the folder is empty).
 * Subfolders with no candidate (a `runs/` of TensorBoard logs, a checkpoint whose predictions are
 * not written yet) are no part of the run.
 */
export function subfolderRun(name: string, listing: FolderListing): SubfolderRun | undefined {
  if (ownFilesRead(listing.files)) return undefined;
  const held = listing.folders
    .filter((f) => !f.name.startsWith('.'))
    .map((f) => ({ folder: f.name, files: candidates(f.files) }))
    .filter((f) => f.files.length > 0)
    .sort((a, b) => naturalCompare(a.folder, b.folder));
  if (held.length === 0) return undefined;
  // Each file name found, with the subfolders holding it: a glob for each to offer.
  const byName = new Map<string, string[]>();
  for (const f of held) for (const n of f.files) byName.set(n, [...(byName.get(n) ?? []), f.folder]);
  const globs = [...byName].sort((a, b) => b[1].length - a[1].length || naturalCompare(a[0], b[0])).map(([n, folders]) => `'${name}/${namesGlob(folders)}/${n}'`);
  const found = listed(held.map((f) => `${f.folder}/${f.files.length === 1 ? f.files[0]! : `{${f.files.join(', ')}}`}`));
  const several = held.filter((f) => f.files.length > 1);
  if (several.length > 0) {
    return { kind: 'refused', why: `${name}: no file Loss Lens reads of its own, and its subfolders hold several each (${found}); give the files of the run as a glob: ${listed(globs)}` };
  }
  if (byName.size > 1) {
    return { kind: 'refused', why: `${name}: no file Loss Lens reads of its own, and its subfolders hold differently named files (${found}); a run reads the same file in each subfolder: give them as a glob, such as ${listed(globs)}` };
  }
  const file = held[0]!.files[0]!;
  const glob = `${namesGlob(held.map((f) => f.folder))}/${file}`;
  const ends = held.length === 1 ? held[0]!.folder : `${held[0]!.folder} first, ${held[held.length - 1]!.folder} last`;
  return {
    kind: 'files',
    files: held.map((f) => `${f.folder}/${file}`),
    glob,
    text: `${name}: a file per subfolder: ${glob}, in natural order of the subfolders (${ends}).`,
  };
}

/** The run's report saying how a folder's subfolders gave its files, after the order. */
export function saying<R extends { report: { order: string } }>(run: R, said: readonly string[]): R {
  return said.length === 0 ? run : { ...run, report: { ...run.report, order: [run.report.order, ...said].join(' ') } };
}
