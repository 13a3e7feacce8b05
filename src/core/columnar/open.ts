/**
 * Which binary format a file is (by its first bytes, then its name), and opening it (with the
 * files paired with it, such as `labels.npy` beside `logits.npy`) as one ColumnarFile.
 */
import type { BinaryFormat } from '../formats';
import type { ByteSource } from '../parse/types';
import { isNpy, npyStem, openNpy } from './npy';
import { openNpz } from './npz';
import { openParquet } from './parquet';
import { openArrow } from './arrow';
import { looksLikeSafetensors, openSafetensors } from './safetensors';
import { ColumnarError, type ColumnarFile, type ColumnBlock, type ColumnInfo } from './types';
import { isZip } from './zip';
import { tokenGrid } from './ndarray';

const startsWith = (head: Uint8Array, text: string) => [...text].every((c, i) => head[i] === c.charCodeAt(0));

/** How to get a file Loss Lens cannot read into one it can, by what wrote it. */
const PICKLE_HELP =
  'a Python pickle (torch.save, pickle.dump, joblib): loading one can run any code, so Loss Lens does not. Save the arrays instead: ' +
  'np.savez("preds.npz", logits=logits.numpy(), labels=labels.numpy()), or safetensors.torch.save_file({"logits": logits, "labels": labels}, "preds.safetensors")';

/**
 * The binary format of a file from its first bytes (at least 16) and name; undefined for text.
 * Throws a ColumnarError for binary files that are known and refused (pickles, Feather v1).
 */
export function binaryFormat(name: string, head: Uint8Array): { format: BinaryFormat; evidence: string } | undefined {
  const lower = name.toLowerCase();
  if (isNpy(head)) return { format: 'npy', evidence: 'format: NumPy .npy (the file starts with \\x93NUMPY)' };
  if (isZip(head)) {
    if (/\.(pt|pth|bin|ckpt)$/.test(lower)) throw new ColumnarError(`this looks like a PyTorch checkpoint (torch.save writes a zip of pickles): ${PICKLE_HELP}`);
    return { format: 'npz', evidence: `format: NumPy .npz (a zip archive${lower.endsWith('.npz') ? '' : ', although the name does not end in .npz'})` };
  }
  if (startsWith(head, 'PAR1')) return { format: 'parquet', evidence: 'format: Parquet (the file starts with PAR1)' };
  if (startsWith(head, 'ARROW1')) return { format: 'arrow', evidence: 'format: Arrow IPC file / Feather v2 (the file starts with ARROW1)' };
  if (startsWith(head, 'FEA1')) {
    throw new ColumnarError('this is a Feather version 1 file, a format Arrow retired in 2020: write it again as Feather 2 (pyarrow.feather.write_feather(table, path), or pandas DataFrame.to_feather)');
  }
  if (head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff && /\.(arrows?|feather|ipc)$/.test(lower)) {
    return { format: 'arrow', evidence: 'format: Arrow IPC stream (a continuation marker, and the name)' };
  }
  if (looksLikeSafetensors(head)) return { format: 'safetensors', evidence: 'format: safetensors (a header length, then a JSON header)' };
  if (head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5) throw new ColumnarError(`this is ${PICKLE_HELP}`);
  if (/\.(pt|pth|pkl|pickle|joblib)$/.test(lower)) throw new ColumnarError(`by its name this is ${PICKLE_HELP}`);
  return undefined;
}

/** Opens one file of a known binary format. */
export async function openBinary(source: ByteSource, format: BinaryFormat): Promise<ColumnarFile> {
  switch (format) {
    case 'npy':
      return openNpy(source);
    case 'npz':
      return openNpz(source);
    case 'safetensors':
      return openSafetensors(source);
    case 'parquet':
      return openParquet(source);
    case 'arrow':
      return openArrow(source);
  }
}

/**
 * The names of arrays saved as separate `.npy` files, made to say what they hold: the common
 * prefix and suffix of their stems dropped at `_` / `-` / `.` boundaries
 * (`val_logits.npy` + `val_labels.npy` -> `logits`, `labels`).
 */
export function pairNames(paths: string[]): string[] {
  const parts = paths.map((p) => npyStem(p).split(/(?<=[_.-])/));
  const names = parts.map((p) => p.join(''));
  if (parts.length < 2) return names;
  let pre = 0;
  while (parts.every((p) => p.length > pre + 1 && p[pre] === parts[0]![pre])) pre++;
  let suf = 0;
  while (parts.every((p) => p.length > pre + suf + 1 && p[p.length - 1 - suf] === parts[0]![parts[0]!.length - 1 - suf])) suf++;
  const trimmed = parts.map((p) => p.slice(pre, p.length - suf).join('').replace(/[_.-]+$/, ''));
  return new Set(trimmed).size === trimmed.length && trimmed.every((t) => t !== '') ? trimmed : names;
}

/**
 * Several files whose rows are the same samples as one file: the columns of each, renamed where
 * a pair of `.npy` files names them by their stems. Reads go through every file in step.
 */
export function joinFiles(files: ColumnarFile[], rename: Map<string, string>[]): ColumnarFile {
  const columns: ColumnInfo[] = [];
  const owner = new Map<string, { file: number; name: string }>();
  files.forEach((f, i) => {
    for (const c of f.columns) {
      const name = rename[i]?.get(c.name) ?? c.name;
      if (owner.has(name)) {
        throw new ColumnarError(`both files have an array named ${JSON.stringify(name)}: the labels' file should hold the labels (one array, or arrays not named like the scores' file's)`);
      }
      owner.set(name, { file: i, name: c.name });
      columns.push({ ...c, name });
    }
  });
  return {
    description: files.map((f) => f.description).join(' + '),
    columns,
    seekable: files.every((f) => f.seekable),
    async *blocks(names, range, blockRows, signal) {
      // Arrays read raw honour blockRows exactly, so the files' blocks line up.
      const step = blockRows ?? 16384;
      const perFile = files.map((_, i) => names.filter((n) => owner.get(n)?.file === i));
      const its = files.map((f, i) => (perFile[i]!.length > 0 ? f.blocks(perFile[i]!.map((n) => owner.get(n)!.name), range, step, signal)[Symbol.asyncIterator]() : undefined));
      const missing = names.find((n) => !owner.has(n));
      if (missing !== undefined) throw new ColumnarError(`there is no column named ${JSON.stringify(missing)}`);
      try {
        for (;;) {
          const parts = await Promise.all(its.map((it) => it?.next()));
          const first = parts.find((p) => p !== undefined);
          if (first === undefined || first.done === true) return;
          const block: ColumnBlock = { start: first.value.start, size: first.value.size, values: new Map() };
          parts.forEach((p, i) => {
            if (p === undefined) return;
            if (p.done === true || p.value.size !== block.size) throw new ColumnarError('the paired files gave blocks of different sizes');
            for (const [name, v] of p.value.values) block.values.set(rename[i]?.get(name) ?? name, v);
          });
          yield block;
        }
      } finally {
        await Promise.all(its.map((it) => it?.return?.()));
      }
    },
  };
}

/** Opens a file and its paired files (a labels `.npy` beside a scores `.npy`) as one. */
export async function openColumnar(source: ByteSource, format: BinaryFormat, paired: { source: ByteSource; format: BinaryFormat }[] = []): Promise<ColumnarFile> {
  const main = await openBinary(source, format);
  if (paired.length === 0) return main;
  const opened = [main, ...(await Promise.all(paired.map((p) => openBinary(p.source, p.format))))];
  // Scores per token in one file, labels per token in the other: both read one token a row.
  const grid = tokenGrid(opened.flatMap((f) => f.columns));
  const files = grid === undefined ? opened : opened.map((f) => f.perToken?.(grid) ?? f);
  const all = [{ source, format }, ...paired];
  // Single arrays saved as their own .npy files are named by what their stems do not share.
  const npy = all.map((f, i) => (f.format === 'npy' ? i : -1)).filter((i) => i >= 0);
  const names = pairNames(npy.map((i) => all[i]!.source.name));
  const rename = files.map(() => new Map<string, string>());
  npy.forEach((i, j) => rename[i]!.set(files[i]!.columns[0]!.name, names[j]!));
  const joined = joinFiles(files, rename);
  // Say which file holds what: `logits.npy: NumPy .npy (<f4, ...) + labels.npy: ...`.
  const base = (name: string) => name.split(/[\\/]/).pop() ?? name;
  return { ...joined, description: all.map((f, i) => `${base(f.source.name)}: ${files[i]!.description}`).join(' + ') };
}
