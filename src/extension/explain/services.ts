/**
 * What the editor features need from the rest of the extension, and a working default built on
 * the extension's own settings and per-file choices (Config, FileChoicesStore, requestFor).
 */
import * as vscode from 'vscode';
import type { AnalysisRequest } from '../../core/analyze';
import type { Layout, LayoutOverrides } from '../../core/parse';
import type { InputKind } from '../../core/types';
import { Config } from '../config';
import { FileChoicesStore } from '../file-choices';
import { choicesForReading, requestFor } from '../request';

export interface ExplainServices {
  /** The request the dashboard would use for this file: preset, log base, per-file overrides. */
  requestFor(uri: vscode.Uri): AnalysisRequest;
  /** Fires when anything requestFor depends on changes (settings, per-file choices). */
  onDidChangeSettings: vscode.Event<void>;
  /** Remembers "read this file as logits / probabilities" for the file (then onDidChangeSettings fires). */
  setInputOverride(uri: vscode.Uri, input: InputKind): Promise<void>;
  /** Remembers "divide each categorical probability row by its sum" for the file (or forgets it: undefined). */
  setRenormalise(uri: vscode.Uri, renormalise: boolean | undefined): Promise<void>;
  /** Remembers "rows with this label are left out of the loss" (ignore_index) for the file (or forgets it: undefined). */
  setIgnoreIndex(uri: vscode.Uri, label: number | undefined): Promise<void>;
  /** Remembers "leave rows that cannot be read out of the loss" for the file (or forgets it: undefined). */
  setSkipInvalid(uri: vscode.Uri, skip: boolean | undefined): Promise<void>;
  /** Reads the file the other way an assumption offers (or asks, through Choose Columns..., for names). */
  applyReading(uri: vscode.Uri, other: LayoutOverrides): Promise<void>;
  /** Command id taking (uri) that lets the user pick the columns of a file. */
  chooseColumnsCommand: string;
  /** Command id taking (uri string, row, line) that opens the dashboard at that sample. */
  openDashboardAtSampleCommand: string;
  /** Command id taking (uri) that opens the file's dashboard. */
  openDashboardCommand: string;
  /**
   * The layout of a file that alone cannot settle it, from the files beside it of its name (a rank
   * opened by itself), and why; undefined when they do not settle it. Absent: files are read alone.
   */
  layoutBeside?(uri: vscode.Uri, request: AnalysisRequest): Promise<{ layout: Layout; settled: string } | undefined>;
  codeLensEnabled(): boolean;
  diagnosticsEnabled(): boolean;
  hoversEnabled(): boolean;
}

export const EXPLAIN_SETTINGS = {
  codeLens: 'lossLens.codeLens.enabled',
  diagnostics: 'lossLens.diagnostics.enabled',
  hovers: 'lossLens.hovers.enabled',
} as const;

/** Command id of the default "open the dashboard at a sample"; registered by defaultExplainServices. */
export const OPEN_AT_SAMPLE_COMMAND = 'lossLens.openDashboardAtSample';

function flag(key: string): boolean {
  const dot = key.indexOf('.');
  return vscode.workspace.getConfiguration(key.slice(0, dot)).get<boolean>(key.slice(dot + 1), true);
}

/**
 * The real thing, from the extension's Config and FileChoicesStore (pass the extension's own
 * instances so change events are shared; fresh ones are made otherwise). Registers the
 * open-at-sample command, which opens the file's dashboard at that sample's derivation.
 */
export function defaultExplainServices(
  context: vscode.ExtensionContext,
  deps: { config?: Config; choices?: FileChoicesStore; layoutBeside?: ExplainServices['layoutBeside'] } = {},
): ExplainServices {
  const config = deps.config ?? new Config();
  const choices = deps.choices ?? new FileChoicesStore(context.workspaceState);
  if (!deps.config) context.subscriptions.push(config);
  if (!deps.choices) context.subscriptions.push(choices);
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    changed,
    config.onDidChange(() => changed.fire()),
    choices.onDidChange(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (Object.values(EXPLAIN_SETTINGS).some((k) => e.affectsConfiguration(k))) changed.fire();
    }),
    vscode.commands.registerCommand(OPEN_AT_SAMPLE_COMMAND, async (uri: string, row: number, line: number) => {
      await vscode.commands.executeCommand('lossLens.openDashboard', vscode.Uri.parse(uri), { row, line });
    }),
  );
  return {
    requestFor: (uri) => requestFor(config.all, choices.get(uri)),
    onDidChangeSettings: changed.event,
    setInputOverride: (uri, input) => choices.update(uri, { input }),
    setRenormalise: (uri, renormalise) => choices.update(uri, { renormalise }),
    setSkipInvalid: (uri, skipInvalid) => choices.update(uri, { skipInvalid }),
    setIgnoreIndex: (uri, ignoreIndex) => choices.update(uri, { ignoreIndex }),
    applyReading: async (uri, other) => {
      const patch = choicesForReading(other);
      if (patch === undefined) await vscode.commands.executeCommand('lossLens.chooseColumns', uri);
      else await choices.update(uri, patch);
    },
    chooseColumnsCommand: 'lossLens.chooseColumns',
    openDashboardAtSampleCommand: OPEN_AT_SAMPLE_COMMAND,
    openDashboardCommand: 'lossLens.openDashboard',
    ...(deps.layoutBeside === undefined ? {} : { layoutBeside: deps.layoutBeside }),
    codeLensEnabled: () => flag(EXPLAIN_SETTINGS.codeLens),
    diagnosticsEnabled: () => flag(EXPLAIN_SETTINGS.diagnostics),
    hoversEnabled: () => flag(EXPLAIN_SETTINGS.hovers),
  };
}
