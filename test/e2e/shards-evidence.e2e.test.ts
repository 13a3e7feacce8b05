/**
 * Shards as distributed evaluation writes them, in a real editor (issue 13 item 5): Open Dashboard
 * on a folder of rank files whose second rank's first rows use 2 of the 3 class names shows the
 * CLI's mean and says that rank was read with the other's layout; a Hugging Face datasets
 * save_to_disk folder (Arrow shards beside dataset_info.json and state.json) shows its shards' mean.
 * A folder none of whose ranks settles alone (ant and bee, bee and cat) is read with their first
 * rows pooled, as their concatenation is; its rank1.jsonl opened alone in the editor is read with
 * that layout, said in a lens and in Problems. Desktop build and browser build (Web Worker extension host), over a copy of
 * test/fixtures/shards-evidence (scripts/fixtures/gen_shards_evidence.py).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbench, REPO_ROOT, scrollIntoView, startE2EServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'shards-evidence');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, { mean: number; rank1_alone?: { mean: number } }>;

function cliMean(ws: string, folder: string): number {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), join(ws, folder), '--json', '--no-progress'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { mean: number }).mean;
}

/** Open Dashboard from the explorer's context menu on a folder of the workspace root. */
async function openFolderDashboard(wb: Workbench, folder: string): Promise<void> {
  const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${folder}$`) }) });
  const item = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Open Dashboard$/ });
  // The first menu of a fresh window may come before the extension's entries are registered: open it again.
  for (let attempt = 1; ; attempt++) {
    await row.first().click({ button: 'right' });
    if (await item.first().waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false)) break;
    if (attempt === 3) assert.fail(`no Open Dashboard in the context menu of ${folder}`);
    await wb.page.keyboard.press('Escape');
  }
  // A menu ignores a click that comes right after it opened (the right button's release): wait a moment.
  await wb.page.waitForTimeout(800);
  await item.first().click();
}

async function meanShown(wb: Workbench): Promise<number> {
  const el = wb.webview().locator('[data-testid="mean-loss"]').first();
  await el.waitFor({ state: 'attached', timeout: 60_000 });
  return Number(await el.getAttribute('data-value'));
}

for (const build of ['desktop', 'web'] as const) {
  describe(`shards sharing their evidence in code-server (${build} build)`, function () {
    this.timeout(240_000);
    let server: E2EServer;
    let wb: Workbench;
    let root: string;
    let ws: string;

    before(async function () {
      root = mkdtempSync(join(tmpdir(), 'll-shards-evidence-'));
      ws = join(root, 'ranks');
      cpSync(FIXTURES, ws, { recursive: true });
      server = await startE2EServer({ workspace: ws, ...(build === 'web' ? { settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } } } : {}) });
      wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
    });

    after(async function () {
      await wb?.close();
      await server?.stop();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('a folder whose rank1 uses 2 of the 3 class names: the CLI\'s mean (= torch), rank1 said read with rank0\'s layout', async function () {
      const mean = cliMean(ws, 'rank1-two-classes');
      assert.ok(Math.abs(mean - expected['rank1-two-classes']!.mean) <= 1e-9);
      await openFolderDashboard(wb, 'rank1-two-classes');
      assert.equal(await meanShown(wb), mean);
      const warnings = await wb.webview().locator('[data-testid="warnings"]').first().innerText({ timeout: 30_000 });
      assert.match(warnings, /rank1\.jsonl[\s\S]*read with rank1-two-classes\/rank0\.jsonl's layout/);
      await scrollIntoView(wb.webview().locator('[data-testid="warnings"]').first());
      await wb.screenshot(`shards-evidence-${build}-words`);
    });

    it('a folder none of whose ranks settles alone (ant and bee, bee and cat): their first rows pooled as their concatenation is read; the CLI\'s mean (= torch), both ranks said', async function () {
      await wb.runCommand('View: Close All Editors');
      const mean = cliMean(ws, 'none-settles');
      assert.ok(Math.abs(mean - expected['none-settles']!.mean) <= 1e-9);
      await openFolderDashboard(wb, 'none-settles');
      assert.equal(await meanShown(wb), mean);
      const warnings = await wb.webview().locator('[data-testid="warnings"]').first().innerText({ timeout: 30_000 });
      for (const rank of ['rank0', 'rank1']) assert.match(warnings, new RegExp(`${rank}\\.jsonl[\\s\\S]*read with the layout of the set's first rows pooled, as their concatenation is read`));
      // The sorted class order is assumed, as for the concatenation read as one file.
      assert.match(await wb.webview().locator('body').innerText(), /the distinct labels of the files' first rows \(100 of rank0\.jsonl, 256 of rank1\.jsonl\) in sorted order/);
      await scrollIntoView(wb.webview().locator('[data-testid="warnings"]').first());
      await wb.screenshot(`shards-evidence-${build}-pooled`);
    });

    it('rank1.jsonl opened alone: read with the layout its folder\'s ranks give, said in a lens and in Problems; the lens and status bar mean = the CLI\'s with --class-names ant,bee,cat (= torch)', async function () {
      await wb.runCommand('View: Close All Editors');
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), join(ws, 'none-settles', 'rank1.jsonl'), '--class-names', 'ant,bee,cat', '--json', '--no-progress'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const mean = (JSON.parse(r.stdout) as { mean: number }).mean;
      assert.ok(Math.abs(mean - expected['none-settles']!.rank1_alone!.mean) <= 1e-9);
      await wb.openFile('none-settles/rank1.jsonl');
      const lens = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /Loss Lens: mean/ }).first();
      await lens.waitFor({ state: 'visible', timeout: 60_000 });
      const lenses = (await wb.page.locator('.monaco-editor .codelens-decoration').first().innerText()).trim();
      assert.match(lenses, new RegExp(`Loss Lens: mean CE ${mean.toFixed(4).replace('.', '\\.')} nats over 300 samples`));
      assert.match(lenses, /Read with the layout of the set's first rows pooled, as their concatenation is read/);
      const item = wb.page.locator('.statusbar-item', { hasText: /Loss \d\.\d{4}/ }).first();
      await item.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await item.innerText(), new RegExp(`Loss ${mean.toFixed(4).replace('.', '\\.')}`));
      let said: { severity: string; message: string }[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await wb.page.waitForTimeout(500)) {
        said = (await wb.problems()).filter((p) => /read with the layout of the set's first rows pooled/.test(p.message));
        if (said.length > 0) break;
      }
      assert.equal(said[0]?.severity, 'warning', JSON.stringify(await wb.problems()));
      await wb.parkMouse();
      await wb.screenshot(`shards-evidence-${build}-rank-alone`);
    });

    it('a datasets save_to_disk folder: its Arrow shards\' mean (= torch), the metadata files not read', async function () {
      await wb.runCommand('View: Close All Editors');
      const mean = cliMean(ws, 'hf-save-to-disk');
      assert.ok(Math.abs(mean - expected['hf-save-to-disk']!.mean) <= 1e-9);
      await openFolderDashboard(wb, 'hf-save-to-disk');
      assert.equal(await meanShown(wb), mean);
      await wb.screenshot(`shards-evidence-${build}-hf`);
    });
  });
}
