import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { extensionLogReport, openWorkbench, sharedServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

/** The CLI's --json mean for a sample file: what the dashboard must show. */
function cliMean(file: string): number {
  const r = spawnSync(process.execPath, ['dist/cli.js', `samples/${file}`, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { mean: number }).mean;
}

describe('the dashboard in code-server', function () {
  let server: E2EServer;
  let wb: Workbench;

  before(async function () {
    server = await sharedServer();
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
  });

  async function shownMean(timeout = 30_000): Promise<number> {
    const el = wb.webview().locator('[data-testid="mean-loss"]');
    await el.waitFor({ state: 'visible', timeout });
    return Number(await el.getAttribute('data-value'));
  }

  it('opens beside digits.csv and shows the mean loss the CLI computes', async function () {
    await wb.openFile('digits.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    assert.equal(await shownMean(), cliMean('digits.csv'));
  });

  it('puts the mean loss of the active file in the status bar', async function () {
    const item = wb.page.locator('.statusbar-item', { hasText: /Loss \d\.\d{4}/ });
    await item.first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await item.first().innerText(), new RegExp(`Loss ${cliMean('digits.csv').toFixed(4)}`));
  });

  // The class VS Code puts on a webview's body for each kind of theme (what the CSS's --vscode-* follow).
  const BODY_CLASS = { dark: 'vscode-dark', light: 'vscode-light', highContrast: 'vscode-high-contrast' } as const;
  for (const theme of ['dark', 'light', 'highContrast'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async function () {
      // setTheme reloads the window, and this workbench restores no editors: open both again.
      await wb.setTheme(theme);
      await wb.openFile('digits.csv');
      await wb.runCommand('Loss Lens: Open Dashboard');
      assert.equal(await shownMean(), cliMean('digits.csv'));
      assert.ok((await wb.webview().locator('body').getAttribute('class'))?.split(' ').includes(BODY_CLASS[theme]));
      const path = await wb.screenshot(`dashboard-${theme}`);
      assert.ok(existsSync(path) && statSync(path).size > 10_000, `${path} is missing or tiny`);
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
