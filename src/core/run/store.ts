/**
 * The trajectory store of a run: for N samples and F files, each sample's P(true class), loss,
 * correctness and line in every file, file-major (file f's values at f*N .. f*N+N-1) so a file is
 * added as it is read and then dropped. 13 bytes per sample per file (Float32 P and loss, a byte of
 * correctness, a Uint32 line) plus 4 per sample (its true class): 100k samples x 20 files, 26 MB.
 */
import { idIndex, matchRows, RunMatchError, type Matching } from './match';
import { NO_VALUE, type FileSamples } from './samples';

export interface TrajectoryStore {
  samples: number;
  files: number;
  pTrue: Float32Array;
  loss: Float32Array;
  /** 1 right, 0 wrong, NO_VALUE: no value in that file (ignored, or not read). */
  correct: Uint8Array;
  line: Uint32Array;
  /** Each sample's true class (from the first file that read it; -1: none did). */
  trueClass: Int32Array;
  /** By id: each sample's id (the first file's rows). */
  ids?: (string | undefined)[];
}

export const BYTES_PER_VALUE = 4 + 4 + 1 + 4;

/** The store's size in bytes for N samples and F files. */
export function storeBytes(samples: number, files: number): number {
  return samples * files * BYTES_PER_VALUE + samples * 4;
}

const quoted = (names: readonly string[], k: number) => (k < 0 ? 'no label' : `label ${JSON.stringify(names[k] ?? String(k))}`);

/**
 * Builds the store file by file: the first file's rows are the samples (it is added first), every
 * other file, in any order, is matched to them (match.ts) and must give each sample the same label.
 * Throws RunMatchError naming file and line where the files disagree.
 */
export function trajectoryBuilder(fileCount: number, matching: Matching, classNames: readonly string[]) {
  let store: TrajectoryStore | undefined;
  let first: FileSamples | undefined;
  let firstIndex: Map<string, number> | undefined;
  let added = 0;
  return {
    /** Adds file `f` (0: the first file of the run, added before the others). */
    add(fs: FileSamples, f: number): void {
      added++;
      if (store === undefined || first === undefined) {
        if (f !== 0) throw new Error('the first file of a run is added first');
        const N = fs.rows;
        const size = N * fileCount;
        store = {
          samples: N,
          files: fileCount,
          pTrue: new Float32Array(size).fill(NaN),
          loss: new Float32Array(size).fill(NaN),
          correct: new Uint8Array(size).fill(NO_VALUE),
          line: new Uint32Array(size),
          trueClass: fs.trueClass.slice(),
          ...(matching.by === 'id' ? { ids: fs.ids ?? [] } : {}),
        };
        // The first file's own arrays are all that is kept of it: its lines, for messages.
        first = { ...fs, pTrue: new Float32Array(0), loss: new Float32Array(0), correct: new Uint8Array(0), trueClass: new Int32Array(0) };
        if (matching.by === 'id') firstIndex = idIndex(first);
      }
      const s = store;
      const N = s.samples;
      const rowOf = f === 0 ? undefined : matchRows(first, firstIndex, fs, matching);
      const base = f * N;
      for (let i = 0; i < N; i++) {
        const r = rowOf === undefined ? i : rowOf[i]!;
        if (r < 0) continue;
        const y = fs.trueClass[r]!;
        if (y >= 0) {
          const known = s.trueClass[i]!;
          if (known < 0) s.trueClass[i] = y;
          else if (known !== y) {
            const ref = first.line[i] ? `line ${first.line[i]} of ${first.name}` : `the sample's first row`;
            throw new RunMatchError(
              `${fs.name}:${fs.line[r]}: ${quoted(classNames, y)}, but ${ref} has ${quoted(classNames, known)} for the same sample (matched ${matching.by === 'id' ? `by id ${JSON.stringify(s.ids?.[i])}` : 'by row order'}): the files of a run hold the same samples, labelled alike`,
            );
          }
        }
        s.pTrue[base + i] = fs.pTrue[r]!;
        s.loss[base + i] = fs.loss[r]!;
        s.correct[base + i] = fs.correct[r]!;
        s.line[base + i] = fs.line[r]!;
      }
    },
    finish(): TrajectoryStore {
      if (store === undefined || added !== fileCount) throw new Error(`a run of ${fileCount} files was given ${added}`);
      return store;
    },
  };
}
