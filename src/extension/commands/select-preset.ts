import * as vscode from 'vscode';
import { PRESETS } from '../../core/presets';
import { PRESET_NAMES, type PresetName } from '../../core/types';
import { targetOrPick } from '../target';
import type { CommandFactory } from './context';

/** Picks the numeric convention of one file (remembered); dashboards and the status bar follow. */
export const selectPreset: CommandFactory = (ctx) => async (arg) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: choose a predictions file');
  if (!uri) return;
  const current = ctx.service.choices.get(uri).preset ?? ctx.service.config.get('defaultPreset');
  const items = PRESET_NAMES.map((name) => ({
    label: name,
    description: PRESETS[name].label + (name === current ? ' (current)' : ''),
    detail: PRESETS[name].description,
    name,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Loss Lens: preset for ${ctx.service.label(uri)}`,
    placeHolder: 'How probabilities of exactly 0 or 1 are treated',
    matchOnDetail: true,
  });
  if (picked) await ctx.service.choices.update(uri, { preset: picked.name as PresetName });
};
