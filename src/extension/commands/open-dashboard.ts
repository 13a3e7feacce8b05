import type { CommandFactory } from './context';
import { targetOrPick } from '../target';

/** A sample to select, as a hover's link passes it: `{ row, line }`. */
function sampleArg(x: unknown): { row: number; line: number } | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const { row, line } = x as Record<string, unknown>;
  return Number.isInteger(row) && Number.isInteger(line) ? { row: row as number, line: line as number } : undefined;
}

/**
 * The dashboard of the active file, or of a file picked when no predictions file is active; a
 * second argument `{ row, line }` (the hover's link) also opens that sample's derivation.
 */
export const openDashboard: CommandFactory = (ctx) => async (arg, sample) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: open the dashboard of a predictions file');
  if (uri) ctx.dashboards.show(uri, sampleArg(sample));
};
