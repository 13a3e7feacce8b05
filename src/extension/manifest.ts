/**
 * package.json's `contributes` and `activationEvents`, derived from the command table and the
 * settings schema. Free of `vscode`: the unit test compares it with package.json, and
 * `npx tsx -e "..."` writes it there (see test/unit/extension-manifest.test.ts for the one-liner).
 */
import { BINARY_EXTENSIONS, BINARY_PREVIEW_VIEW_TYPE, COMMAND_CATEGORY, COMMAND_IDS, COMMANDS, FOLDER_WHEN, PREDICTION_FILE_WHEN, type CommandSpec } from '../shared/commands';
import { DASHBOARD_VIEW_TYPE } from '../shared/protocol';
import { RUN_VIEW_TYPE } from '../shared/run-protocol';
import { configurationContribution } from './settings';

export function manifestContributes() {
  const spec = (id: (typeof COMMAND_IDS)[number]): CommandSpec => COMMANDS[id];
  return {
    commands: COMMAND_IDS.map((id) => ({
      command: id,
      title: spec(id).title,
      category: COMMAND_CATEGORY,
      ...(spec(id).icon ? { icon: spec(id).icon } : {}),
    })),
    menus: {
      'explorer/context': COMMAND_IDS.filter((id) => spec(id).explorer !== undefined).map((id) => ({
        command: id,
        when: spec(id).folder ? `${PREDICTION_FILE_WHEN} || ${FOLDER_WHEN}` : PREDICTION_FILE_WHEN,
        group: `lossLens@${spec(id).explorer}`,
      })),
      'editor/title': COMMAND_IDS.filter((id) => spec(id).editorTitle !== undefined).map((id) => {
        const at = spec(id).editorTitle;
        return { command: id, when: PREDICTION_FILE_WHEN, group: at === 'navigation' ? 'navigation' : `lossLens@${at}` };
      }),
    },
    customEditors: [
      {
        viewType: BINARY_PREVIEW_VIEW_TYPE,
        displayName: 'Loss Lens Preview',
        // Default: without it VS Code shows these files as "binary file not displayed".
        selector: BINARY_EXTENSIONS.map((ext) => ({ filenamePattern: `*.${ext}` })),
        priority: 'default',
      },
    ],
    configuration: configurationContribution(),
  };
}

/**
 * Commands activate by themselves (VS Code infers onCommand); a restored dashboard needs its own
 * event. Hovers, CodeLens, diagnostics and the status bar must work on a predictions file opened
 * without any command, and VS Code has no CSV language to key on (files open as plaintext), so
 * the extension also activates once startup has finished (activate does no work until a file asks).
 */
export const ACTIVATION_EVENTS = [`onWebviewPanel:${DASHBOARD_VIEW_TYPE}`, `onWebviewPanel:${RUN_VIEW_TYPE}`, `onCustomEditor:${BINARY_PREVIEW_VIEW_TYPE}`, 'onStartupFinished'];
