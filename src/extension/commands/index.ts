/**
 * The command table: one handler per contributed command, registered in a loop. The
 * `Record<CommandId, ...>` type makes a command without a handler (or the reverse) a type error.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS, type CommandId } from '../../shared/commands';
import { chooseColumns } from './choose-columns';
import { compareWith } from './compare-with';
import { computeLoss } from './compute-loss';
import type { CommandContext, CommandFactory } from './context';
import { exportReport } from './export-report';
import { openDashboard } from './open-dashboard';
import { openRun } from '../run/open-run';
import { selectPreset } from './select-preset';

export const COMMAND_HANDLERS: Record<CommandId, CommandFactory> = {
  'lossLens.openDashboard': openDashboard,
  'lossLens.computeLoss': computeLoss,
  'lossLens.chooseColumns': chooseColumns,
  'lossLens.selectPreset': selectPreset,
  'lossLens.compareWith': compareWith,
  'lossLens.exportReport': exportReport,
  'lossLens.openRun': openRun,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, COMMAND_HANDLERS[id](ctx)));
}
