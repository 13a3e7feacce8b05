import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { extensionLogReport, openWorkbench, sharedServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

interface CliTemperature {
  temperature: number;
  before: { loss: number };
  calibration: number;
  refinement: number;
  classes: { after: number }[];
}

const cli = spawnSync(process.execPath, ['dist/cli.js', 'samples/overconfident_logits.csv', '--temperature', '--json', '--no-progress'], { encoding: 'utf8' });
assert.equal(cli.status, 0, cli.stderr);
const expected = (JSON.parse(cli.stdout) as { diagnostics: { results: { temperature: CliTemperature } } }).diagnostics.results.temperature;

describe('calibration versus refinement in code-server, dark and light', function () {
  let server: E2EServer;
  let wb: Workbench;

  before(async function () {
    server = await sharedServer();
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
  });

  const view = () => wb.visibleWebview();
  const value = async (testid: string) => Number(await view().locator(`[data-testid="${testid}"]`).getAttribute('data-value'));

  for (const theme of ['dark', 'light'] as const) {
    it(`shows T*, the split and the diagram after T* over the one before, as the CLI computes them (${theme})`, async function () {
      await wb.setTheme(theme);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile('overconfident_logits.csv');
      await wb.runCommand('Loss Lens: Open Dashboard');
      const t = view().locator('[data-testid="temperature-t"]');
      // The section comes after the first report, once the diagnostics' pass is done.
      await t.waitFor({ state: 'visible', timeout: 90_000 });
      assert.equal(await value('temperature-t'), expected.temperature);
      assert.equal(await value('temperature-before'), expected.before.loss);
      assert.equal(await value('temperature-refinement'), expected.refinement);
      assert.equal(await value('temperature-calibration'), expected.calibration);
      assert.match(await view().locator('[data-testid="temperature-headline"]').innerText(), /^T\* = 2\.947 \(logits divided by T; over-confident/);
      const after = await view().locator('[data-testid="temperature-class-row"] [data-col="after"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      assert.deepEqual(after, expected.classes.map((c) => c.after));
      const diagram = view().locator('[data-testid="temperature-reliability"]');
      assert.ok((await diagram.locator('.temperature-before rect.bar').count()) > 3);
      assert.ok((await diagram.locator('.temperature-after circle.after-point').count()) > 3);
      await view().locator('#temperature').scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`temperature-${theme}`);
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
