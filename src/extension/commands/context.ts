import type * as vscode from 'vscode';
import type { AnalysisService } from '../analysis-service';
import type { DashboardManager } from '../dashboard/manager';

/** What every command may use; built once in activate(). */
export interface CommandContext {
  service: AnalysisService;
  dashboards: DashboardManager;
  extensionUri: vscode.Uri;
}

export type CommandFactory = (ctx: CommandContext) => (...args: unknown[]) => unknown;
