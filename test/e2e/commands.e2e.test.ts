import { strict as assert } from 'node:assert';
import { existsSync, statSync } from 'node:fs';
import {
  extensionId, extensionLogReport, manifest, openWorkbench, sharedServer,
  type E2EServer, type Workbench,
} from './harness';
import { EXTENSION_ID, NO_FILE_MESSAGE, PALETTE_COMMANDS } from './expected';

describe('Loss Lens in code-server, as a user runs it', function () {
  let server: E2EServer;
  let wb: Workbench;

  before(async function () {
    server = await sharedServer();
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
  });

  it('is the extension the manifest describes', function () {
    assert.equal(extensionId(), EXTENSION_ID);
  });

  it('lists every contributed command in the command palette', async function () {
    const listed = await wb.paletteItems('Loss Lens');
    const contributed = manifest().contributes.commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title));
    assert.ok(contributed.length > 0);
    for (const label of [...contributed, ...PALETTE_COMMANDS.map((c) => c.label)]) {
      assert.ok(listed.some((l) => l.startsWith(label)), `"${label}" is not in the palette: ${JSON.stringify(listed)}`);
    }
  });

  it('runs Compute Loss from the palette and answers with a notification', async function () {
    await wb.runCommand('Loss Lens: Compute Loss');
    const note = await wb.waitForNotification(NO_FILE_MESSAGE);
    assert.equal(note.severity, 'info');
    assert.equal(note.message, NO_FILE_MESSAGE);
  });

  it('activated (once startup finished, or by the command), with no activation error in the extension host log', function () {
    const report = extensionLogReport(server.extensionHostLogs(), EXTENSION_ID);
    assert.ok(
      report.activations.some((a) => /activationEvent: '(onStartupFinished|onCommand:lossLens\.computeLoss)'/.test(a)),
      `no activation of ${EXTENSION_ID} logged: ${JSON.stringify(report.activations)}`,
    );
    assert.deepEqual(report.errors, []);
  });

  it('shows no error or warning notification', async function () {
    const all = await wb.allNotifications();
    assert.ok(all.some((n) => n.message === NO_FILE_MESSAGE), `the centre lost our notification: ${JSON.stringify(all)}`);
    assert.deepEqual(all.filter((n) => n.severity !== 'info'), []);
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async function () {
      await wb.setTheme(theme);
      await wb.clearNotifications();
      await wb.runCommand('Loss Lens: Compute Loss');
      await wb.waitForNotification(NO_FILE_MESSAGE);
      const path = await wb.screenshot(`compute-loss-${theme}`);
      assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} is missing or tiny`);
    });
  }
});
