// What a user should see, shared by the end-to-end suite (code-server + Chromium) and the
// extension-host integration suite (test/integration), so the two check the same facts.
export const EXTENSION_ID = 'loss-lens.loss-lens';

/** Every command the manifest contributes, as the palette labels it. */
export const PALETTE_COMMANDS = [{ id: 'lossLens.computeLoss', label: 'Loss Lens: Compute Loss' }] as const;

/** What Compute Loss says when no predictions file is open (the skeleton's whole behaviour). */
export const NO_FILE_MESSAGE = 'Loss Lens: no predictions file is open.';
