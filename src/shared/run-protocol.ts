/**
 * Messages between the extension host and the run view (Open Run...: several files over the same
 * samples, one per epoch). The report is `loss-lens run --json`'s; the per-sample arrays are the
 * cartography map's, sent as typed arrays (structured clone) rather than one object a sample.
 */
import type { RunReport } from '../core/run';
import type { DerivationData } from './protocol';

export interface RunViewData {
  /** What the run was opened on: a folder's workspace-relative path, or "N files". */
  label: string;
  /** The URIs it was opened on (a folder, or files), kept by the page so a window reload reopens it. */
  uris: string[];
  report: RunReport;
  /** The files' names with their shared folder cut off (axis labels, pickers). */
  shortNames: string[];
  unit: string;
  /** Per sample (the first file's rows): the map's coordinates and region (an index into REGIONS). */
  confidence: Float32Array;
  variability: Float32Array;
  region: Uint8Array;
  /** Milliseconds the run took to read and compute. */
  elapsedMs: number;
}

/** A live run's files not (yet) read: those still being written, and those that settled incomplete. */
export interface LiveNotice {
  waiting: string[];
  incomplete: { name: string; why: string }[];
  /** What the last reload took in: "epoch_07.csv added", with its time. */
  added?: string;
  /** Files the run is being read again for, meanwhile. */
  reading?: string[];
  /** Files of the folder left out of the run: they could not be read, or do not match its first file (why: with file, line and column). */
  leftOut?: { name: string; why: string }[];
  /** The run could not be read again (its first file, say): the run shown is the last one read. */
  failed?: string;
}

export type RunHostMessage =
  | { type: 'loading'; label: string; /** 0..1, or null when unknown. */ fraction: number | null }
  | { type: 'run'; data: RunViewData }
  | { type: 'error'; label: string; message: string }
  /** A live run's files (live.ts): shown above the run without redrawing it. */
  | { type: 'live'; notice: LiveNotice }
  | { type: 'derivation'; derivation: DerivationData; /** The sample (0-based) it is of. */ sample: number };

export type RunWebviewMessage =
  | { type: 'ready' }
  /** Open a sample (0-based, the first file's rows) at its line in file `file` (run order), and its derivation. */
  | { type: 'openSample'; sample: number; file: number }
  | { type: 'refresh' };

/** What the run view keeps with setState: the UI's choices (the host rebuilds the data). */
export interface RunViewState {
  /** The run's URIs and label (RunViewData's), for the WebviewPanelSerializer after a window reload. */
  uris?: string[];
  label?: string;
  /** The class whose loss the per-class chart follows. */
  classIndex?: number;
  /** The file a click on the map opens (run order); absent: the last. */
  openFile?: number;
}

export const RUN_VIEW_TYPE = 'lossLens.run';
