/**
 * Compare With...'s statistics in the real editor (code-server + Chromium): the interval and
 * McNemar's p-value the view shows are `loss-lens compare`'s on the same two files, the fixed
 * samples open their line, in dark and light; Match samples by... (row order, a column) gives
 * `loss-lens compare --match order`'s and `--id-column`'s.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { extensionLogReport, openWorkbench, sharedServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';
import { compareSpeaker } from '../../src/shared/compare-speak';

interface CliCompare {
  comparison: {
    mean: { delta: number; interval: [number, number]; withinNoise: boolean };
    correctness: { p: number; fixed: number; broken: number };
    matching: string;
    fixed: { lineA: number }[];
  };
}

function cliCompare(...options: string[]): CliCompare['comparison'] {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'compare', 'samples/epoch_1.csv', 'samples/epoch_2.csv', '--json', '--no-progress', ...options], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as CliCompare).comparison;
}

const compared = cliCompare();

describe('Compare With... statistics in code-server, dark and light', function () {
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
    it(`epoch_1.csv → epoch_2.csv: the CLI's interval, p-value and fixed samples; a fixed sample opens its line (${theme})`, async function () {
      await wb.setTheme(theme);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile('epoch_1.csv');
      await wb.runCommandThatAsks('Loss Lens: Compare With...');
      await wb.answerInput(join(server.workspace, 'epoch_2.csv'));
      const interval = view().locator('[data-testid="compare-interval"]');
      await interval.waitFor({ state: 'visible', timeout: 90_000 });
      assert.equal(Number(await interval.getAttribute('data-low')), compared.mean.interval[0]);
      assert.equal(Number(await interval.getAttribute('data-high')), compared.mean.interval[1]);
      assert.equal(Number(await view().locator('[data-testid="compare-delta"]').getAttribute('data-value')), compared.mean.delta);
      assert.equal(Number(await view().locator('[data-testid="compare-p"]').getAttribute('data-value')), compared.correctness.p);
      assert.equal(Number(await view().locator('[data-testid="compare-fixed-count"]').getAttribute('data-value')), compared.correctness.fixed);
      assert.equal(Number(await view().locator('[data-testid="compare-broken-count"]').getAttribute('data-value')), compared.correctness.broken);
      // This pair's mean moved within noise, its correctness beyond it: both sentences say so.
      assert.equal(compared.mean.withinNoise, true);
      assert.match(await view().locator('[data-testid="compare-mean-verdict"]').innerText(), /within noise, the interval contains 0/);
      assert.match(await view().locator('[data-testid="compare-mcnemar-verdict"]').innerText(), /unlikely to be chance/);
      // Matched by the samples' id column, as the CLI says.
      assert.equal(compared.matching, 'Rows were matched by the id column "email_id" (both files have it): 400 samples in both.');
      assert.equal(await view().locator('[data-testid="compare-matching"]').innerText(), compared.matching);
      await view().locator('#compare-stats').scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`compare-stats-${theme}`);

      const rows = view().locator('[data-testid="compare-fixed-table-row"]');
      assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line')))), compared.fixed.map((f) => f.lineA));
      await view().locator('[data-testid="compare-fixed"]').scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`compare-lists-${theme}`);
      const line = compared.fixed[0]!.lineA;
      await rows.first().click();
      // The line opens in the editor beside the view; the derivation of the sample shows.
      await wb.page.locator('.editor-group-container .monaco-editor .current-line').first().waitFor({ state: 'attached', timeout: 30_000 });
      await view().locator(`[data-testid="derivation"][data-line="${line}"]`).waitFor({ state: 'visible', timeout: 60_000 });
      await view().locator('[data-testid="compare-classes"], #compare-classes').first().scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`compare-classes-${theme}`);
    });
  }

  it('Match samples by...: row order gives --match order\'s interval, said with the button; the column email_id by id again', async function () {
    const interval = view().locator('[data-testid="compare-interval"]');
    const quickRow = (label: string) =>
      wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
    const matchBy = async (label: string) => {
      await view().locator('[data-testid="compare-match-by"]').click();
      await quickRow(label).waitFor({ state: 'visible', timeout: 30_000 });
      await quickRow(label).click();
    };
    const byOrder = cliCompare('--match', 'order');
    // The two files list their samples in the same order: the numbers agree, the matching sentence says which was used.
    await matchBy('Row order');
    const spoken = compareSpeaker(byOrder.matching);
    assert.match(spoken, /as chosen \(Match samples by\.\.\.\)/);
    await view().locator('[data-testid="compare-matching"]', { hasText: 'as chosen' }).waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await view().locator('[data-testid="compare-matching"]').innerText(), spoken);
    assert.equal(Number(await interval.getAttribute('data-low')), byOrder.mean.interval[0]);
    assert.equal(Number(await interval.getAttribute('data-high')), byOrder.mean.interval[1]);
    await view().locator('#compare-stats').scrollIntoViewIfNeeded();
    await wb.parkMouse();
    await wb.screenshot('compare-match-by-order');
    await matchBy('Column "email_id"');
    await view().locator('[data-testid="compare-matching"]', { hasText: 'email_id' }).waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await view().locator('[data-testid="compare-matching"]').innerText(), compared.matching);
    assert.equal(Number(await interval.getAttribute('data-low')), compared.mean.interval[0]);
  });

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
