/**
 * From what a user chose (settings, per-file choices, the dashboard's what-if controls) to the
 * core's AnalysisRequest. Free of `vscode`: unit-tested in plain Node.
 */
import type { AnalysisRequest } from '../core/analyze';
import type { LayoutOverrides } from '../core/parse';
import type { InputKind, LossKind, PresetName } from '../core/types';
import type { WhatIf } from '../shared/protocol';
import { LABEL_ISSUES_FILTERS, type LossLensConfig } from './settings';

/** What Choose Columns... and Select Preset... remember for one file. */
export interface FileChoices {
  preset?: PresetName;
  labelColumn?: string;
  predColumns?: string[];
  kind?: LossKind;
  input?: InputKind;
  /** Class names in column order (binary: negative, positive). */
  classNames?: string[];
  /** Rows that cannot be read are left out of the loss (and counted), rather than failing the file. */
  skipInvalid?: boolean;
  /** Categorical probability rows divided by their sum on read (the "renormalise rows" quick fix). */
  renormalise?: boolean;
  /** Binary files: the file (a URI) holding this file's labels, row for row, chosen by the user. */
  labelsFile?: string;
  /** A label value that marks rows to leave out of the loss (PyTorch's ignore_index), from the "ignore label" quick fix. */
  ignoreIndex?: number;
}

export function defaultWhatIf(config: LossLensConfig, choices: FileChoices): WhatIf {
  return {
    preset: choices.preset ?? config.defaultPreset,
    labelSmoothing: 0,
    classWeights: [],
    posWeight: null,
    focalGamma: null,
    focalAlpha: null,
    input: choices.input ?? null,
    kind: choices.kind ?? null,
  };
}

export function requestFor(config: LossLensConfig, choices: FileChoices, whatIf: WhatIf = defaultWhatIf(config, choices)): AnalysisRequest {
  const overrides: LayoutOverrides = {};
  if (choices.labelColumn !== undefined) overrides.labelColumn = choices.labelColumn;
  if (choices.predColumns !== undefined && choices.predColumns.length > 0) overrides.predColumns = [...choices.predColumns];
  const kind = whatIf.kind ?? choices.kind;
  const input = whatIf.input ?? choices.input;
  if (kind !== undefined) overrides.kind = kind;
  if (input !== undefined) overrides.input = input;
  if (choices.classNames !== undefined && choices.classNames.length > 0) overrides.classNames = [...choices.classNames];
  return {
    loss: {
      preset: whatIf.preset,
      labelSmoothing: whatIf.labelSmoothing,
      classWeights: whatIf.classWeights.length > 0 ? [...whatIf.classWeights] : undefined,
      posWeight: whatIf.posWeight ?? undefined,
      focalGamma: whatIf.focalGamma ?? undefined,
      focalAlpha: whatIf.focalAlpha ?? undefined,
      ...(whatIf.temperature === undefined || whatIf.temperature === null ? {} : { temperature: whatIf.temperature }),
      ...(choices.renormalise === undefined ? {} : { renormalise: choices.renormalise }),
      ...(choices.ignoreIndex === undefined ? {} : { ignoreIndex: choices.ignoreIndex }),
      reduction: 'mean',
      base: config.logBase,
    },
    overrides,
    // As the CLI does by default: a bad row is shown as a located problem, not silently dropped.
    skipInvalid: choices.skipInvalid ?? false,
    topK: config.topK,
    calibrationBins: config.calibrationBins,
    // Only when not the default, so the default's cache keys (and the CLI's request) stay as they were.
    ...(config['labelIssues.filter'] === 'pruneByNoiseRate' ? {} : { labelIssuesFilter: LABEL_ISSUES_FILTERS[config['labelIssues.filter']] }),
  };
}

/**
 * The per-file choices that give the other reading of an assumption (a CodeLens or dashboard
 * click), or undefined when it needs names only the user knows (then Choose Columns... asks).
 */
export function choicesForReading(other: LayoutOverrides): Partial<FileChoices> | undefined {
  if (other.classNames !== undefined && other.classNames.length === 0) return undefined;
  const out: Partial<FileChoices> = {};
  if (other.input !== undefined) out.input = other.input;
  if (other.kind !== undefined) out.kind = other.kind;
  if (other.classNames !== undefined) out.classNames = [...other.classNames];
  if (other.labelColumn !== undefined) out.labelColumn = other.labelColumn;
  if (other.predColumns !== undefined) out.predColumns = [...other.predColumns];
  return out;
}

/** JSON with object keys sorted and undefined dropped: equal requests give equal strings. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  });
}
