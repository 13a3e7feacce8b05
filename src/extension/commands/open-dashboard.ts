import type { CommandFactory } from './context';
import { targetOrPick } from '../target';

/** The dashboard of the active file, or of a file picked when no predictions file is active. */
export const openDashboard: CommandFactory = (ctx) => async (arg) => {
  const uri = await targetOrPick(arg, ctx.dashboards, 'Loss Lens: open the dashboard of a predictions file');
  if (uri) ctx.dashboards.show(uri);
};
