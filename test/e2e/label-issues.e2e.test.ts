/**
 * Likely label errors in code-server: digits with 10% of the labels flipped (the unit tests'
 * fixture, written by scripts/fixtures/gen_label_issues.py) opens, the section lists what the CLI
 * finds, and a click opens the line and its derivation; dark and light.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { extensionLogReport, openWorkbench, sharedServer, type E2EServer, type Workbench } from './harness';
import { REPO_ROOT } from './harness/paths';
import { EXTENSION_ID } from './expected';

const FOLDER = join(REPO_ROOT, 'test', 'fixtures', 'label-issues');
const FILE = 'digits_noise10.csv';

interface Issue { row: number; line: number; given: number; suggested: number }
const cli = spawnSync(process.execPath, ['dist/cli.js', join(FOLDER, FILE), '--json', '--label-issues', '--no-progress'], { encoding: 'utf8' });
assert.equal(cli.status, 0, cli.stderr);
const found = (JSON.parse(cli.stdout) as { diagnostics: { results: { labelIssues: { issueCount: number; noiseRate: number[]; bySelfConfidence: Issue[] } } } }).diagnostics.results.labelIssues;

describe('likely label errors in code-server, dark and light', function () {
  let server: E2EServer;
  let wb: Workbench;

  before(async function () {
    server = await sharedServer();
    wb = await openWorkbench(server, { folder: FOLDER });
  });

  after(async function () {
    await wb?.close();
  });

  const view = () => wb.visibleWebview();

  for (const theme of ['dark', 'light'] as const) {
    it(`lists the issues and noise rates the CLI finds; a click opens the line and its derivation (${theme})`, async function () {
      await wb.setTheme(theme);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile(FILE);
      await wb.runCommand('Loss Lens: Open Dashboard');
      const summary = view().locator('[data-testid="label-issues-summary"]');
      await summary.waitFor({ state: 'visible', timeout: 90_000 }).catch(async (err: Error) => {
        await wb.screenshot(`label-issues-missing-${theme}`);
        const section = await view().locator('#label-issues').innerText({ timeout: 1000 }).catch(() => '(no section)');
        throw new Error(`${err.message}\nthe section says: ${section}`);
      });
      assert.equal(Number(await summary.getAttribute('data-count')), found.issueCount);
      const rates = await view().locator('[data-testid="label-noise-row"] [data-col="noiseRate"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
      assert.deepEqual(rates, found.noiseRate);
      const rows = view().locator('[data-testid="label-issue-row"]');
      assert.equal(await rows.count(), Math.min(100, found.issueCount));
      const lines = await rows.evaluateAll((els) => els.slice(0, 10).map((e) => Number(e.getAttribute('data-line'))));
      assert.deepEqual(lines, found.bySelfConfidence.slice(0, 10).map((i) => i.line));
      await view().locator('#label-issues').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await wb.parkMouse();
      await wb.screenshot(`label-issues-${theme}`);

      const issue = found.bySelfConfidence[1]!;
      const row = view().locator(`[data-testid="label-issue-row"][data-line="${issue.line}"]`);
      await row.click();
      await view().locator(`[data-testid="derivation"][data-line="${issue.line}"]`).waitFor({ state: 'visible', timeout: 60_000 });
      await wb.page.waitForFunction(
        (want) => [...document.querySelectorAll('.editor-instance .monaco-editor .line-numbers.active-line-number')].some((e) => e.textContent?.trim() === want),
        String(issue.line), { timeout: 20_000 },
      );
      await wb.parkMouse();
      await wb.screenshot(`label-issues-click-${theme}`);
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
