/**
 * The typed messages between the extension host and the dashboard webview. Data always travels
 * by postMessage (structured clone keeps Infinity and NaN), never pasted into HTML. Both sides
 * switch exhaustively over `type`.
 */
import type { CompareOutcome } from '../core/compare';
import type { IssueFilter } from '../core/diagnostics/confident-learning';
import type { ReportJson } from '../core/report-json';
import type { InputKind, LossKind, PresetName } from '../core/types';
import type { TexEntry } from './render/tex';

/** The what-if controls: everything a user can change from the dashboard and recompute. */
export interface WhatIf {
  preset: PresetName;
  labelSmoothing: number;
  /** Empty = no class weights. */
  classWeights: number[];
  /** null = unset. */
  posWeight: number | null;
  /** null = no focal loss. */
  focalGamma: number | null;
  focalAlpha: number | null;
  /** null = as inferred. */
  input: InputKind | null;
  kind: LossKind | null;
  /** Scores divided by this temperature first (logits / T, p^(1/T) renormalised); absent or null = 1. */
  temperature?: number | null;
}

/** One file's results as the dashboard shows them. */
export interface DashboardData {
  /** The CLI's --json object for the same file and options: the dashboard shows these numbers. */
  report: ReportJson;
  whatIf: WhatIf;
  /** Workspace-relative path, for titles. */
  label: string;
  /** The file's URI as a string: the webview keeps it with setState (DashboardState.uri). */
  uri?: string;
  /** Mean loss after each (re)load of this file, oldest first, for the sparkline. */
  history: { time: number; mean: number }[];
  /** Milliseconds the computation took (on a cache hit: the original computation's). */
  elapsedMs: number;
  /** The result was already in the cache (the file has not changed since it was computed). */
  fromCache?: boolean;
  /** When the computation finished (epoch ms). */
  computedAt?: number;
  /**
   * Present while the numbers are an estimate from evenly spaced samples of a large file (the
   * full pass is still running). Counts are the sample's; row and line numbers are unknown.
   */
  estimate?: SampleInfo;
  /**
   * Diagnostics being worked out after this report (their keys; report.diagnostics holds them once
   * done), or why they could not be (the read failed: a message).
   */
  diagnosing?: string[];
  diagnosticsFailed?: string;
  /** Diagnostics not run by themselves on a file this large: each section offers a button (a 'diagnose' message). */
  offered?: string[];
}

/** What a sampled estimate read. */
export interface SampleInfo {
  sampledRows: number;
  sampledBytes: number;
  totalBytes: number;
  /** Evenly spaced byte ranges read. */
  ranges: number;
}

export interface ComparisonData {
  /** The file the dashboard is for, and the one it is compared with (e.g. the next epoch). */
  base: DashboardData;
  other: DashboardData;
  /** Samples whose loss changed most (by absolute difference), largest first. */
  changed: { row: number; line: number; before: number; after: number }[];
  /** The paired statistics (interval, McNemar, fixed and broken, per class), or why the files were refused. */
  outcome: CompareOutcome;
}

/** A problem in the file, located (1-based line / column). */
export interface ProblemData {
  /** A data set of several files: the file the problem is in (its name in the report). */
  file?: string;
  line: number;
  column: number | null;
  message: string;
}

/** One sample's loss derived step by step, its numbers substituted (the derivation panel). */
export interface DerivationData {
  /** A data set of several files: the sample's file, `row` and `line` being its own. */
  file?: string;
  row: number;
  line: number;
  /** The sample's steps, from the likelihood to its loss. */
  entries: TexEntry[];
  /** From Bayes' rule and maximum likelihood to the mean loss over the data set. */
  preamble: TexEntry[];
  /** The loss under the other presets, as one sentence; null when there is nothing to compare. */
  presets: string | null;
  /** The sample's loss, as in the worst-samples table. */
  value: number;
  /** The loss's unit (nats, bits...), as the report's. */
  unit: string;
  /** Why log loss and not squared error, with this sample's numbers (sentences); absent for soft, multi-label or ignored samples. */
  logVsSquared?: string[];
}

export type HostMessage =
  | { type: 'loading'; label: string; /** 0..1, or null when unknown. */ fraction: number | null }
  | { type: 'data'; data: DashboardData }
  | { type: 'comparison'; comparison: ComparisonData }
  /** `badRows`: the problems are rows that skipping would leave out (the dashboard offers to). */
  | { type: 'error'; label: string; message: string; problems: ProblemData[]; errorCount: number; badRows?: boolean }
  /**
   * The file changed while it was read: it is being written. `waiting`: it is read again once it
   * stops changing; otherwise it changed again then, and `message` says so (no numbers, no problems).
   */
  | { type: 'writing'; label: string; message: string; waiting: boolean }
  | { type: 'derivation'; derivation: DerivationData };

export type WebviewMessage =
  | { type: 'ready' }
  /** Reveal a 1-based line of the predictions file in the editor (of `file`, a data set's file by its name in the report). */
  | { type: 'revealLine'; line: number; file?: string }
  /** Recompute with changed what-if settings. */
  | { type: 'setWhatIf'; whatIf: WhatIf }
  /** Show one sample's derivation (the worst-samples table or a hover link). */
  | { type: 'selectSample'; row: number; line: number; file?: string }
  /** A command on the dashboard's file; `format` picks Export Report...'s format (e.g. 'issues') without asking. */
  | { type: 'command'; command: 'chooseColumns' | 'exportReport' | 'compareWith' | 'refresh'; format?: string }
  /** In a comparison: choose how its samples are matched (row order, or a column), then compare again. */
  | { type: 'matchBy' }
  /** Leave the rows that cannot be read out of the loss (a per-file choice), or take them again. */
  | { type: 'skipInvalid'; skip: boolean }
  /** Work out a diagnostic the dashboard offered rather than ran (DashboardData.offered). */
  | { type: 'diagnose'; key: string }
  /** Leave rows with this label out of the loss (ignore_index; a per-file choice). */
  | { type: 'ignoreLabel'; label: number }
  /** Read the file the other way an assumption offers (its index in report.layout.assumptions). */
  | { type: 'otherReading'; assumption: number }
  /** Leave the comparison: back to the dashboard of the file alone. */
  | { type: 'closeComparison' }
  /** Flag likely label errors with this filter: sets lossLens.labelIssues.filter (every dashboard then shows it). */
  | { type: 'labelIssuesFilter'; filter: IssueFilter };

/** What the webview keeps with setState, to restore after a reload (WebviewPanelSerializer). */
export interface DashboardState {
  /** The file's URI as a string. */
  uri: string;
  /** The file it is compared with (Compare With...), so a reload brings the comparison back. */
  compareWith?: string;
  /** UI state: which table column is sorted, and how. */
  sort?: { column: string; descending: boolean };
}

export const DASHBOARD_VIEW_TYPE = 'lossLens.dashboard';
