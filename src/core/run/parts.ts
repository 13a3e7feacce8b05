/**
 * A run kept file by file, so a live run that grows reads only its new or changed files: each
 * file's part is its report's summary and its trajectory columns, already in the first file's
 * sample order (matched once, when the file was read). Assembling the run from parts copies the
 * columns into a new store and computes the report as a full read does (same numbers bit for bit:
 * test/unit/run-parts.test.ts). A part is valid while its file and the run's first file are
 * unchanged (the caller keys it on both: path, size, modification time) under the same request.
 */
import type { Layout } from '../parse';
import { layoutDifference } from '../shards';
import { chooseMatching, idIndex, matchRows, RunMatchError, type Matching } from './match';
import { NO_VALUE } from './samples';
import type { TrajectoryStore } from './store';
import { runFile, runReport, type RunFile } from './index';
import { RunLayoutError, type RunFileRead, type RunRead } from './assemble';

/** What a part of the run's first file carries besides its columns: what other files are matched to. */
export interface FirstSide {
  rows: number;
  /** By id: the id of each row (= sample). */
  ids?: (string | undefined)[];
  /** Each sample's true class as this file reads it (-1: not read). */
  trueClass: Int32Array;
}

/** One file of a run, as the run keeps it: N = the first file's rows long, in its sample order. */
export interface RunPart {
  name: string;
  /** Its cache key (the caller's: file, size, modification time, request). */
  key: string;
  /** The key of the run's first file it was matched to (its own key for the first file). */
  firstKey: string;
  layout: Layout;
  file: RunFile;
  pTrue: Float32Array;
  loss: Float32Array;
  /** 1 right, 0 wrong, NO_VALUE: no value. */
  correct: Uint8Array;
  /** The sample's line in this file (0: no row). */
  line: Uint32Array;
  /** The first file's part only. */
  first?: FirstSide;
  /**
   * This file's true class per sample, kept only when it labels a sample the first file did not
   * read (a row the first skipped): the run's labels are then merged over the files.
   */
  trueClass?: Int32Array;
}

/** Bytes a part holds per sample: P(true class) and loss as float32, correctness a byte, the line a uint32. */
export const PART_BYTES_PER_SAMPLE = 4 + 4 + 1 + 4;

const quoted = (names: readonly string[], k: number) => (k < 0 ? 'no label' : `label ${JSON.stringify(names[k] ?? String(k))}`);

/** The matching a run's first file decides (its id column when it has one, unless `ask` is 'order'). */
export function partMatching(first: RunPart, ask: 'auto' | 'order'): Matching {
  return chooseMatching([first.layout.idColumn], ask);
}

/** The part of the run's first file. Throws RunLayoutError for a multi-label file. */
export function firstPart(read: RunFileRead, key: string, ask: 'auto' | 'order'): RunPart {
  const { layout, analysis, samples: fs } = read;
  if (layout.kind === 'multilabel') throw new RunLayoutError(`${fs.name}: a run follows each sample's true class across files; multi-label files have none`);
  const matching = chooseMatching([layout.idColumn], ask);
  return {
    name: fs.name,
    key,
    firstKey: key,
    layout,
    file: runFile(analysis),
    pTrue: fs.pTrue,
    loss: fs.loss,
    correct: fs.correct,
    line: Uint32Array.from(fs.line),
    first: { rows: fs.rows, trueClass: fs.trueClass, ...(matching.by === 'id' ? { ids: fs.ids ?? [] } : {}) },
  };
}

/**
 * The part of another file of the run, matched to `first`'s samples: refused (RunLayoutError,
 * RunMatchError, naming file and line) when its layout differs, it lacks the id column the
 * samples are matched by, it holds other samples, or labels a sample otherwise than the first.
 */
export function otherPart(first: RunPart, read: RunFileRead, key: string, ask: 'auto' | 'order', index?: Map<string, number>): RunPart {
  const { layout, analysis, samples: fs } = read;
  const side = first.first!;
  const matching = partMatching(first, ask);
  const difference = layoutDifference(first.layout, layout);
  if (difference !== undefined) throw new RunLayoutError(`${fs.name}: its layout differs from that of ${first.name} (${difference}): the files of a run must share one layout`);
  if (matching.by === 'id' && layout.idColumn !== matching.column) {
    throw new RunMatchError(`${fs.name}: no id column "${matching.column}" (${first.name} has one, so the samples are matched by it): give every file of the run its id column, or none`);
  }
  const firstSide = { name: first.name, rows: side.rows, line: first.line, ...(side.ids === undefined ? {} : { ids: side.ids }) };
  const rowOf = matchRows(firstSide, matching.by === 'id' ? (index ?? idIndex(firstSide)) : undefined, fs, matching);
  const N = side.rows;
  const pTrue = new Float32Array(N).fill(NaN);
  const loss = new Float32Array(N).fill(NaN);
  const correct = new Uint8Array(N).fill(NO_VALUE);
  const line = new Uint32Array(N);
  let trueClass: Int32Array | undefined;
  const names = first.layout.classNames;
  for (let i = 0; i < N; i++) {
    const r = rowOf === undefined ? i : rowOf[i]!;
    if (r < 0) continue;
    const y = fs.trueClass[r]!;
    if (y >= 0) {
      const known = side.trueClass[i]!;
      if (known < 0) (trueClass ??= new Int32Array(N).fill(-1))[i] = y;
      else if (known !== y) throw new RunMatchError(labelConflict(fs.name, fs.line[r]!, `line ${first.line[i]} of ${first.name}`, names, y, known, matching, side.ids?.[i]));
    }
    pTrue[i] = fs.pTrue[r]!;
    loss[i] = fs.loss[r]!;
    correct[i] = fs.correct[r]!;
    line[i] = fs.line[r]!;
  }
  return { name: fs.name, key, firstKey: first.key, layout, file: runFile(analysis), pTrue, loss, correct, line, ...(trueClass === undefined ? {} : { trueClass }) };
}

function labelConflict(name: string, line: number, ref: string, names: readonly string[], y: number, known: number, matching: Matching, id: string | undefined): string {
  return `${name}:${line}: ${quoted(names, y)}, but ${ref} has ${quoted(names, known)} for the same sample (matched ${matching.by === 'id' ? `by id ${JSON.stringify(id)}` : 'by row order'}): the files of a run hold the same samples, labelled alike`;
}

/** The run from its parts in run order (the first file's first); `top` samples in each list. */
export function assembleParts(parts: readonly RunPart[], ask: 'auto' | 'order', top: number): RunRead {
  if (parts.length < 2) throw new RunLayoutError(`a run is two files or more over the same samples; ${parts.length === 0 ? 'none was given' : `only ${parts[0]!.name} was`}`);
  const first = parts[0]!;
  const side = first.first;
  if (side === undefined || parts.some((p) => p.firstKey !== first.key)) throw new Error('the parts of a run were matched to another first file');
  const matching = partMatching(first, ask);
  const N = side.rows;
  const F = parts.length;
  const store: TrajectoryStore = {
    samples: N,
    files: F,
    pTrue: new Float32Array(N * F),
    loss: new Float32Array(N * F),
    correct: new Uint8Array(N * F),
    line: new Uint32Array(N * F),
    trueClass: side.trueClass.slice(),
    ...(matching.by === 'id' ? { ids: side.ids ?? [] } : {}),
  };
  const names = first.layout.classNames;
  parts.forEach((p, f) => {
    store.pTrue.set(p.pTrue, f * N);
    store.loss.set(p.loss, f * N);
    store.correct.set(p.correct, f * N);
    store.line.set(p.line, f * N);
    // A sample the first file did not read takes its label from the first file (in run order) that did.
    const t = p.trueClass;
    if (t === undefined) return;
    for (let i = 0; i < N; i++) {
      const y = t[i]!;
      if (y < 0) continue;
      const known = store.trueClass[i]!;
      if (known < 0) store.trueClass[i] = y;
      else if (known !== y) throw new RunMatchError(labelConflict(p.name, p.line[i]!, `the sample's first row`, names, y, known, matching, side.ids?.[i]));
    }
  });
  const detail = runReport(parts.map((p) => p.file), store, matching, parts.map((p) => p.layout.idColumn), names, top);
  return { ...detail, store, layout: first.layout };
}
