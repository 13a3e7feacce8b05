import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { extensionLogReport, openWorkbench, sharedServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

interface CliReport {
  brier: number;
  adaptiveEce: number;
  calibration: { bins: { count: number }[] };
  worst: { line: number }[];
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const report = JSON.parse(cli(['samples/digits.csv', '--json'])) as CliReport;

/** --explain's "Why log loss and not squared error" sentences for a line of digits.csv. */
function explainedContrast(line: number): string[] {
  const out = cli(['samples/digits.csv', '--explain', String(line)]).trimEnd().split('\n');
  return out.slice(out.indexOf('Why log loss and not squared error') + 1);
}

describe('calibration and "why log loss" in code-server, dark and light', function () {
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

  for (const theme of ['dark', 'light'] as const) {
    it(`shows the bins' counts, Brier and equal-mass ECE as the CLI computes them, and the note in the derivation (${theme})`, async function () {
      await wb.setTheme(theme);
      // The window restores what the last theme's run left open (the file beside the dashboard, too).
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile('digits.csv');
      await wb.runCommand('Loss Lens: Open Dashboard');
      const brier = view().locator('[data-testid="calibration-brier"]');
      await brier.waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal(Number(await brier.getAttribute('data-value')), report.brier);
      assert.equal(Number(await view().locator('[data-testid="adaptive-ece"]').getAttribute('data-value')), report.adaptiveEce);
      const diagram = view().locator('[data-testid="reliability-diagram"]');
      const counts = await diagram.locator('rect.bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
      assert.deepEqual(counts, report.calibration.bins.filter((b) => b.count > 0).map((b) => b.count));
      await diagram.scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`calibration-${theme}`);

      const worst = report.worst[0]!.line;
      const row = view().locator(`[data-testid="worst-row"][data-line="${worst}"]`);
      await row.scrollIntoViewIfNeeded();
      await row.click();
      const note = view().locator(`[data-testid="derivation"][data-line="${worst}"] [data-testid="derivation-log-vs-squared"]`);
      await note.waitFor({ state: 'visible', timeout: 60_000 });
      await note.locator('summary').click();
      assert.deepEqual(await note.locator('p').allInnerTexts(), explainedContrast(worst));
      await note.scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`log-vs-squared-${theme}`);
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
