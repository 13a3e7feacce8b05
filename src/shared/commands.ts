/**
 * Every command Loss Lens contributes: ids, titles and where they appear. The extension registers
 * one handler per id (src/extension/commands/index.ts); package.json's `contributes` is written
 * from this table (`manifestContributes` in src/extension/manifest.ts) and a unit test keeps the
 * three in step.
 */
export const COMMAND_CATEGORY = 'Loss Lens';

/** Extensions of the text files Loss Lens reads, each optionally gzipped: they get hovers, CodeLens and Problems. */
export const PREDICTION_EXTENSIONS = ['csv', 'tsv', 'json', 'jsonl', 'ndjson'] as const;

const extPattern = `\\.(${PREDICTION_EXTENSIONS.join('|')})(\\.gz)?$`;

/** A text prediction file's name, for code. */
export const PREDICTION_FILE_RE = new RegExp(extPattern, 'i');

/**
 * Binary files Loss Lens reads (NumPy, safetensors, Parquet, Arrow / Feather): no text, so no
 * hovers or CodeLens; they open in the read-only preview (BINARY_PREVIEW_VIEW_TYPE) instead.
 */
export const BINARY_EXTENSIONS = ['npy', 'npz', 'safetensors', 'parquet', 'arrow', 'feather'] as const;

export const BINARY_FILE_RE = new RegExp(`\\.(${BINARY_EXTENSIONS.join('|')})$`, 'i');

/** The read-only editor of binary prediction files. */
export const BINARY_PREVIEW_VIEW_TYPE = 'lossLens.binaryPreview';

const lossFilePattern = `\\.(${PREDICTION_EXTENSIONS.join('|')})(\\.gz)?$|\\.(${BINARY_EXTENSIONS.join('|')})$`;

/** A file whose loss the status bar and the menus offer: text or binary (the same test as the menus' `when` clause). */
export const LOSS_FILE_RE = new RegExp(lossFilePattern, 'i');

/** The `when` clause of the explorer and editor-title menus. */
export const PREDICTION_FILE_WHEN = `resourceFilename =~ /${lossFilePattern}/i`;

/**
 * A file of a folder read as one data set (Open Dashboard on a folder, `loss-lens FOLDER`): one
 * Loss Lens reads, not hidden (a `.ipynb_checkpoints` copy is no shard).
 */
export function isShardFileName(name: string): boolean {
  return !name.startsWith('.') && LOSS_FILE_RE.test(name);
}

/** The metadata Hugging Face datasets' save_to_disk writes beside its Arrow shards (`data-00000-of-00002.arrow`): no rows. */
const HF_SHARD_RE = /^data-\d{5}-of-\d{5}\.arrow$/i;
const HF_METADATA = new Set(['dataset_info.json', 'state.json']);

/** The files of a folder read as one data set, of the names in it: those isShardFileName takes, less save_to_disk's metadata beside its shards. */
export function folderShardNames(names: readonly string[]): string[] {
  const files = names.filter(isShardFileName);
  return files.some((n) => HF_SHARD_RE.test(n)) ? files.filter((n) => !HF_METADATA.has(n)) : files;
}

/** The `when` clause of the explorer menu's entries on folders (the folder read as one data set). */
export const FOLDER_WHEN = 'explorerResourceIsFolder';

/**
 * Delimited text under names any text file has (np.savetxt writes `.txt`): read when the user asks
 * for it (a command on the file in the editor, the file picker), but given none of the automatic
 * features (status bar, CodeLens, Problems, menus): most `.txt` files hold no predictions, and each
 * would get a "cannot compute the loss" in the status bar and a Loss Lens button in its title bar.
 */
export const DELIMITED_TEXT_EXTENSIONS = ['txt', 'dat'] as const;

/** A file a command reads when asked: a prediction file, or delimited text (`.txt`, `.dat`). */
export const READABLE_FILE_RE = new RegExp(`\\.(${[...PREDICTION_EXTENSIONS, ...DELIMITED_TEXT_EXTENSIONS].join('|')})(\\.gz)?$|\\.(${BINARY_EXTENSIONS.join('|')})$`, 'i');

export interface CommandSpec {
  title: string;
  /** A codicon, shown when the command sits in the editor title bar. */
  icon?: string;
  /** Explorer context menu on prediction files (sort order inside the group). */
  explorer?: number;
  /** Editor title bar: 'navigation' is a button, a number an entry of the `...` menu. */
  editorTitle?: 'navigation' | number;
  /** Also on folders in the explorer: the folder's files read as one data set (shards). */
  folder?: boolean;
}

export const COMMANDS = {
  'lossLens.openDashboard': { title: 'Open Dashboard', icon: '$(graph)', explorer: 1, editorTitle: 'navigation', folder: true },
  'lossLens.computeLoss': { title: 'Compute Loss', explorer: 2, editorTitle: 1, folder: true },
  'lossLens.chooseColumns': { title: 'Choose Columns...', explorer: 3, editorTitle: 2 },
  'lossLens.selectPreset': { title: 'Select Preset...', explorer: 4, editorTitle: 3 },
  'lossLens.compareWith': { title: 'Compare With...', explorer: 5, editorTitle: 4 },
  'lossLens.exportReport': { title: 'Export Report...', explorer: 6, editorTitle: 5 },
  'lossLens.openRun': { title: 'Open Run...', explorer: 7, folder: true },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** What the command palette shows: "Loss Lens: Open Dashboard". */
export function paletteLabel(id: CommandId): string {
  return `${COMMAND_CATEGORY}: ${COMMANDS[id].title}`;
}
