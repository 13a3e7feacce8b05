/**
 * The settings schema and their validation, free of `vscode` so unit tests and the manifest
 * writer (scripts/contributes.mjs) share it. config.ts reads them through VS Code.
 */
import { PRESETS } from '../core/presets';
import { PRESET_NAMES, type LogBase, type PresetName } from '../core/types';

export const CONFIG_SECTION = 'lossLens';

export interface LossLensConfig {
  defaultPreset: PresetName;
  logBase: LogBase;
  topK: number;
  calibrationBins: number;
  liveReload: boolean;
  largeFileThresholdMB: number;
  'codeLens.enabled': boolean;
  'diagnostics.enabled': boolean;
  'hovers.enabled': boolean;
  'extraPasses.autoMaxMillionScores': number;
  'labelIssues.filter': LabelIssuesFilterSetting;
}

/** lossLens.labelIssues.filter's values, and the core's filter each names. */
export const LABEL_ISSUES_FILTERS = { pruneByNoiseRate: 'prune-by-noise-rate', confidentLearning: 'confident-learning' } as const;
export type LabelIssuesFilterSetting = keyof typeof LABEL_ISSUES_FILTERS;

interface SettingSchema {
  type: 'string' | 'integer' | 'boolean';
  default: unknown;
  enum?: readonly string[];
  enumDescriptions?: string[];
  minimum?: number;
  maximum?: number;
  markdownDescription: string;
  order: number;
}

export const SETTINGS: { [K in keyof LossLensConfig]: SettingSchema & { default: LossLensConfig[K] } } = {
  defaultPreset: {
    type: 'string',
    default: 'classic',
    enum: PRESET_NAMES,
    enumDescriptions: PRESET_NAMES.map((p) => PRESETS[p].description),
    markdownDescription:
      'Numeric convention for files with no preset of their own (**Loss Lens: Select Preset...** sets one per file): how probabilities of exactly 0 or 1 are treated, as each framework does.',
    order: 1,
  },
  logBase: {
    type: 'string',
    default: 'e',
    enum: ['e', '2'],
    enumDescriptions: ['Natural log: losses in nats (what every framework reports).', 'Log base 2: losses in bits.'],
    markdownDescription: 'Base of the logarithm: `e` (nats) or `2` (bits).',
    order: 2,
  },
  topK: {
    type: 'integer',
    default: 10,
    minimum: 0,
    maximum: 1000,
    markdownDescription: 'How many of the worst samples (highest loss) the dashboard and the reports list.',
    order: 3,
  },
  calibrationBins: {
    type: 'integer',
    default: 15,
    minimum: 2,
    maximum: 100,
    markdownDescription: 'Equal-width confidence bins of the reliability diagram and the expected calibration error (ECE).',
    order: 4,
  },
  liveReload: {
    type: 'boolean',
    default: true,
    markdownDescription:
      'Refresh an open dashboard by itself when its file changes on disk (e.g. a training loop writing the next epoch), and keep the mean loss of each reload for its sparkline; grow an open run view as new files settle in its folder.',
    order: 5,
  },
  largeFileThresholdMB: {
    type: 'integer',
    default: 256,
    minimum: 0,
    markdownDescription:
      'Large-file sampling threshold, in MB. For a larger file the dashboard first shows an **estimate** from rows sampled in the middle of 16 equal parts of the file (about 4 MB, read within a second), clearly labelled, while the full pass runs with progress and Cancel; the full result then replaces it. The estimate lists no worst samples: the line numbers of rows read mid-file are only known after a full pass. Such files are also not analysed automatically for the status bar (click it to open the dashboard). Plain CSV, TSV and JSONL files are sampled; gzip and JSON documents only show the progress. `0` treats every file as large.',
    order: 6,
  },
  'codeLens.enabled': {
    type: 'boolean',
    default: true,
    markdownDescription: 'Show the mean loss above each prediction file (CodeLens), with a link to its dashboard.',
    order: 7,
  },
  'diagnostics.enabled': {
    type: 'boolean',
    default: true,
    markdownDescription:
      'Show the problems of prediction files (non-numeric values, ragged rows, probabilities outside [0, 1], bad labels, NaN, malformed JSON) in the Problems panel, as you type.',
    order: 8,
  },
  'hovers.enabled': {
    type: 'boolean',
    default: true,
    markdownDescription: 'Hover a row of a prediction file to see its loss derived step by step; hover a header column for its class summary.',
    order: 9,
  },
  'extraPasses.autoMaxMillionScores': {
    type: 'integer',
    default: 5,
    minimum: 0,
    markdownDescription:
      'The dashboard fits the temperature (calibration versus refinement) and looks for likely label errors by itself when the file holds at most this many million scores (rows × classes): each takes more passes over the rows after the report. Above, each section offers a button instead. `0` always asks.',
    order: 10,
  },
  'labelIssues.filter': {
    type: 'string',
    default: 'pruneByNoiseRate',
    enum: Object.keys(LABEL_ISSUES_FILTERS) as LabelIssuesFilterSetting[],
    enumDescriptions: [
      "cleanlab's default (prune_by_noise_rate): for each given label i and class j, as many rows labelled i as the calibrated confident joint estimates are j, those where p(j) - p(i) is largest.",
      "cleanlab's filter_by='confident_learning': every row off the confident joint's diagonal (usually flags more rows).",
    ],
    markdownDescription:
      'Which rows **Likely label errors** flags (the dashboard section and its CSV export; the CLI\'s `--label-issues-filter`). Either way a row the model predicts as its label is not flagged.',
    order: 11,
  },
};

/**
 * Above the threshold a file is "large": the status bar does not analyse it by itself and the
 * dashboard shows a sampled estimate first. 0 makes every file large.
 */
export function isLargeFile(bytes: number, thresholdMB: number): boolean {
  return bytes > thresholdMB * 1024 * 1024;
}

export const CONFIG_KEYS = Object.keys(SETTINGS) as (keyof LossLensConfig)[];

/** `contributes.configuration` as package.json declares it. */
export function configurationContribution() {
  const properties: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) properties[`${CONFIG_SECTION}.${key}`] = { ...SETTINGS[key] };
  return { title: 'Loss Lens', properties };
}

function isInt(v: unknown, s: SettingSchema): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= (s.minimum ?? -Infinity) && v <= (s.maximum ?? Infinity);
}

/**
 * A typed configuration from raw values (`get` returns what settings.json holds): a value of the
 * wrong type or out of range falls back to the default rather than reaching the core.
 */
export function readConfig(get: (key: keyof LossLensConfig) => unknown): LossLensConfig {
  const pick = <K extends keyof LossLensConfig>(key: K, ok: (v: unknown) => boolean): LossLensConfig[K] => {
    const v = get(key);
    return ok(v) ? (v as LossLensConfig[K]) : SETTINGS[key].default;
  };
  const inEnum = (key: keyof LossLensConfig) => (v: unknown) => typeof v === 'string' && (SETTINGS[key].enum ?? []).includes(v);
  return {
    defaultPreset: pick('defaultPreset', inEnum('defaultPreset')),
    logBase: pick('logBase', inEnum('logBase')),
    topK: pick('topK', (v) => isInt(v, SETTINGS.topK)),
    calibrationBins: pick('calibrationBins', (v) => isInt(v, SETTINGS.calibrationBins)),
    liveReload: pick('liveReload', (v) => typeof v === 'boolean'),
    largeFileThresholdMB: pick('largeFileThresholdMB', (v) => isInt(v, SETTINGS.largeFileThresholdMB)),
    'codeLens.enabled': pick('codeLens.enabled', (v) => typeof v === 'boolean'),
    'diagnostics.enabled': pick('diagnostics.enabled', (v) => typeof v === 'boolean'),
    'hovers.enabled': pick('hovers.enabled', (v) => typeof v === 'boolean'),
    'extraPasses.autoMaxMillionScores': pick('extraPasses.autoMaxMillionScores', (v) => isInt(v, SETTINGS['extraPasses.autoMaxMillionScores'])),
    'labelIssues.filter': pick('labelIssues.filter', inEnum('labelIssues.filter')),
  };
}

export const DEFAULT_CONFIG: LossLensConfig = readConfig(() => undefined);
