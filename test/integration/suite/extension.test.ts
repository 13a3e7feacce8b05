import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, PALETTE_COMMANDS } from '../../e2e/expected';

// Runs inside a real extension host: desktop VS Code (npm run test:vscode) or code-server
// (test/e2e/integration-in-code-server.e2e.test.ts). No part of `vscode` is replaced.
describe('Loss Lens in the extension host', function () {
  it('is installed under its manifest id and activates cleanly', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands;
    assert.deepEqual(contributed.map((c) => c.command).sort(), PALETTE_COMMANDS.map((c) => c.id).sort());
  });

  it('registers every contributed command', async function () {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { id } of PALETTE_COMMANDS) assert.ok(registered.has(id), `${id} is not registered`);
  });

  it('runs Compute Loss with no predictions file open without throwing', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(vscode.window.activeTextEditor, undefined);
    await vscode.commands.executeCommand('lossLens.computeLoss');
  });
});
