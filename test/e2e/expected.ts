// What a user should see, shared by the end-to-end suite (code-server + Chromium) and the
// extension-host integration suite (test/integration), so the two check the same facts.
import { COMMAND_IDS, paletteLabel } from '../../src/shared/commands';

export const EXTENSION_ID = 'loss-lens.loss-lens';

/** Every command the manifest contributes, as the palette labels it (from the command table). */
export const PALETTE_COMMANDS = COMMAND_IDS.map((id) => ({ id, label: paletteLabel(id) }));

/** What Compute Loss says when no predictions file is open (the skeleton's whole behaviour). */
export const NO_FILE_MESSAGE = 'Loss Lens: no predictions file is open.';
