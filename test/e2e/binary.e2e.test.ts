/**
 * Binary prediction files in a real editor (issue 13): opening one shows the read-only preview
 * (arrays, first rows, the loss) instead of "binary file not displayed"; the dashboard opened from
 * it shows the CLI's numbers; a pickle is refused naming the fix. The same in the browser build
 * (Web Worker extension host), where the .npy pair is found through the workspace file system.
 * A Parquet file, and a folder of shards opened from the explorer, show the CLI's numbers too.
 * Runs on its own code-servers over a copy of a few files of test/fixtures/binary.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbench, REPO_ROOT, startE2EServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'binary');

interface Manifest {
  files: { files: string[]; expect: { mean?: number; count?: number } }[];
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;
const reference = (file: string) => manifest.files.find((f) => f.files[0] === file)!.expect;

function cliMean(ws: string, file: string, ...args: string[]): number {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), join(ws, file), '--json', '--no-progress', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { mean: number }).mean;
}

/**
 * A copy of the fixtures, so no choice made in the editor touches them, with a folder of shards:
 * samples/digits.csv cut into three rank files (one data set when the folder is opened).
 */
function workspace(): { root: string; ws: string } {
  const root = mkdtempSync(join(tmpdir(), 'll-binary-'));
  const ws = join(root, 'binary');
  cpSync(FIXTURES, ws, { recursive: true });
  const [header, ...rows] = readFileSync(join(REPO_ROOT, 'samples', 'digits.csv'), 'utf8').trimEnd().split('\n');
  // Two arrays whose names pair with nothing: only choosing them together makes b.npy the labels.
  mkdirSync(join(ws, 'chosen'));
  cpSync(join(FIXTURES, 'pair_digits', 'logits.npy'), join(ws, 'chosen', 'a.npy'));
  cpSync(join(FIXTURES, 'pair_digits', 'labels.npy'), join(ws, 'chosen', 'b.npy'));
  mkdirSync(join(ws, 'shards'));
  [rows.slice(0, 300), rows.slice(300, 600), rows.slice(600)].forEach((part, rank) => writeFileSync(join(ws, 'shards', `rank_${rank}.csv`), [header, ...part].join('\n') + '\n'));
  return { root, ws };
}

/**
 * samples/digits.csv's rows 520 times over: 55 MB, past the 50 MB that VS Code syncs to
 * extensions. Written before the server starts: quick open may not list a file added later.
 */
function writeLargeCsv(ws: string): void {
  const [header, ...rows] = readFileSync(join(REPO_ROOT, 'samples', 'digits.csv'), 'utf8').trimEnd().split('\n');
  writeFileSync(join(ws, 'large.csv'), header + '\n' + (rows.join('\n') + '\n').repeat(520));
}

/** Open Dashboard from the explorer's context menu on a folder of the workspace root. */
async function openFolderDashboard(wb: Workbench, folder: string): Promise<void> {
  const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${folder}$`) }) });
  await row.first().click({ button: 'right' });
  const item = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Open Dashboard$/ });
  await item.first().waitFor({ state: 'visible', timeout: 15_000 });
  // A menu ignores a click that comes right after it opened (the right button's release): wait a moment.
  await wb.page.waitForTimeout(800);
  await item.first().click();
}

/** The webview (preview or dashboard) holding `testid`, whichever visible one it is. */
async function valueIn(wb: Workbench, testid: string, timeout = 60_000): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (let i = 0; i < 3; i++) {
      const el = wb.webview(i).locator(`[data-testid="${testid}"]`).first();
      const v = await el.getAttribute('data-value', { timeout: 500 }).catch(() => null);
      if (v !== null) return Number(v);
    }
    if (Date.now() > deadline) assert.fail(`no [data-testid="${testid}"] in any webview`);
    await wb.page.waitForTimeout(300);
  }
}

async function textIn(wb: Workbench, testid: string, timeout = 60_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (let i = 0; i < 3; i++) {
      const t = await wb.webview(i).locator(`[data-testid="${testid}"]`).first().innerText({ timeout: 500 }).catch(() => null);
      if (t !== null) return t;
    }
    if (Date.now() > deadline) assert.fail(`no [data-testid="${testid}"] in any webview`);
    await wb.page.waitForTimeout(300);
  }
}

describe('binary files in code-server: the preview and the dashboard show the CLI\'s numbers', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let dirs: { root: string; ws: string };

  before(async function () {
    dirs = workspace();
    writeLargeCsv(dirs.ws);
    server = await startE2EServer({ workspace: dirs.ws });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (dirs) rmSync(dirs.root, { recursive: true, force: true });
  });

  it('pair_digits/logits.npy opens in the preview: its arrays, its first rows and the mean of the pair', async function () {
    const mean = cliMean(dirs.ws, 'pair_digits/logits.npy');
    assert.ok(Math.abs(mean - reference('pair_digits/logits.npy').mean!) <= 1e-9 * mean);
    await wb.openFile('pair_digits/logits.npy', 'custom');
    assert.equal(await valueIn(wb, 'preview-mean'), mean);
    const arrays = await textIn(wb, 'preview-columns');
    assert.match(arrays, /logits\s+<f4\s+\(300, 10\)/);
    assert.match(arrays, /labels\s+<i8\s+\(300\)/);
    const rows = await textIn(wb, 'preview-rows');
    assert.match(rows, /… 10 values\]/);
    // The status bar follows the preview's tab, which is no text editor.
    const item = wb.page.locator('.statusbar-item', { hasText: /Loss \d\.\d{4}/ }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await item.innerText(), new RegExp(`Loss ${mean.toFixed(4)}`));
    await wb.screenshot('binary-preview-npy');
  });

  it('Open Dashboard from the preview shows the same mean', async function () {
    const mean = cliMean(dirs.ws, 'pair_digits/logits.npy');
    await wb.webview(0).locator('[data-testid="preview-open-dashboard"]').click();
    assert.equal(await valueIn(wb, 'mean-loss'), mean);
    await wb.screenshot('binary-dashboard-npy');
  });

  it('hf_predictions.npz and predictions.safetensors show their references', async function () {
    for (const file of ['hf_predictions.npz', 'predictions.safetensors']) {
      await wb.runCommand('View: Close All Editors');
      const mean = cliMean(dirs.ws, file);
      assert.ok(Math.abs(mean - reference(file).mean!) <= 1e-9 * mean, `${file}: CLI ${mean}`);
      await wb.openFile(file, 'custom');
      assert.equal(await valueIn(wb, 'preview-mean'), mean, file);
    }
  });

  it('a Parquet file (zstd, three row groups) opens in the preview and the dashboard with the CLI\'s mean', async function () {
    const file = 'probs_zstd_rowgroups.parquet';
    await wb.runCommand('View: Close All Editors');
    const mean = cliMean(dirs.ws, file);
    assert.ok(Math.abs(mean - reference(file).mean!) <= 1e-9 * mean, `${file}: CLI ${mean}`);
    await wb.openFile(file, 'custom');
    assert.equal(await valueIn(wb, 'preview-mean'), mean);
    assert.match(await textIn(wb, 'preview-columns'), /label/);
    await wb.webview(0).locator('[data-testid="preview-open-dashboard"]').click();
    assert.equal(await valueIn(wb, 'mean-loss'), mean);
    await wb.screenshot('binary-dashboard-parquet');
  });

  it('Open Dashboard on a folder of shards: the CLI\'s mean over its files; a worst sample opens its own file\'s line and derivation', async function () {
    await wb.runCommand('View: Close All Editors');
    const mean = cliMean(dirs.ws, 'shards');
    await openFolderDashboard(wb, 'shards');
    assert.equal(await valueIn(wb, 'mean-loss'), mean);
    const dashboard = wb.webview();
    const first = dashboard.locator('[data-testid="worst-row"]').first();
    const file = await first.getAttribute('data-file');
    const line = Number(await first.getAttribute('data-line'));
    assert.match(file ?? '', /^shards\/rank_[012]\.csv$/);
    assert.equal(await first.locator('[data-col="file"]').innerText(), file);
    await first.click();
    // The sample's own file opens at its line, and the derivation names the file.
    const name = file!.slice('shards/'.length);
    await wb.page.locator(`.tabs-container .tab[aria-label^="${name}"]`).waitFor({ timeout: 30_000 });
    const derivation = dashboard.locator('[data-testid="derivation"]');
    await derivation.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(Number(await derivation.getAttribute('data-line')), line);
    assert.match(await derivation.locator('h2').first().innerText(), new RegExp(`of ${file!.replace('.', '\\.')}`));
    await wb.screenshot('binary-dashboard-folder');
  });

  it('two arrays selected together in the explorer: Open Dashboard asks which holds the labels, and shows the CLI\'s --labels mean', async function () {
    await wb.runCommand('View: Close All Editors');
    const mean = cliMean(dirs.ws, 'chosen/a.npy', '--labels', join(dirs.ws, 'chosen', 'b.npy'));
    const folder = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^chosen$/ }) });
    await folder.first().click();
    const row = (name: string) => wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) });
    await row('a.npy').first().waitFor({ timeout: 15_000 });
    // The list can re-render under the Ctrl-click: select again until both rows are selected.
    for (let attempt = 0; ; attempt++) {
      await row('a.npy').first().click();
      await wb.page.waitForTimeout(300);
      await row('b.npy').first().click({ modifiers: ['Control'] });
      await wb.page.waitForTimeout(300);
      if ((await row('a.npy').first().getAttribute('aria-selected')) === 'true' && (await row('b.npy').first().getAttribute('aria-selected')) === 'true') break;
      assert.ok(attempt < 4, 'the explorer did not keep a.npy and b.npy selected together');
    }
    await row('a.npy').first().click({ button: 'right' });
    const item = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Open Dashboard$/ });
    await item.first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.waitForTimeout(800);
    await item.first().click();
    await wb.pickItem('b.npy');
    assert.equal(await valueIn(wb, 'mean-loss'), mean);
    assert.match(await textIn(wb, 'evidence'), /b\.npy holds the labels of a\.npy's rows \(the two were chosen together\)/);
    await wb.screenshot('binary-dashboard-chosen-pair');
  });

  it('a chosen labels file that is gone is forgotten, with a warning that says how to choose again', async function () {
    const chosen = join(dirs.ws, 'chosen');
    renameSync(join(chosen, 'b.npy'), join(chosen, 'b_moved.npy'));
    try {
      await wb.runCommand('View: Close All Editors');
      await wb.clearNotifications();
      await wb.openFile('chosen/a.npy', 'custom');
      await wb.runCommand('Loss Lens: Open Dashboard');
      const warning = await wb.waitForNotification(/chosen\/b\.npy, chosen as the labels of chosen\/a\.npy, is gone/, 60_000);
      assert.equal(warning.severity, 'warning');
      assert.match(warning.message, /select both files in the explorer and run Open Dashboard/);
      await wb.screenshot('binary-chosen-labels-gone');
    } finally {
      renameSync(join(chosen, 'b_moved.npy'), join(chosen, 'b.npy'));
    }
  });

  it('a text file over 50 MB (VS Code hands it to no extension): the status bar and the title bar\'s Open Dashboard still give the CLI\'s mean', async function () {
    const mean = cliMean(dirs.ws, 'large.csv');
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('large.csv', 'custom');
    const item = wb.page.locator('.statusbar-item', { hasText: /Loss \d\.\d{4}/ }).first();
    await item.waitFor({ state: 'visible', timeout: 90_000 });
    assert.match(await item.innerText(), new RegExp(`Loss ${mean.toFixed(4)}`));
    await wb.page.locator('.editor-actions .action-item a[aria-label^="Loss Lens: Open Dashboard"], .editor-actions .action-item a[aria-label^="Open Dashboard"]').first().click();
    assert.equal(await valueIn(wb, 'mean-loss', 90_000), mean);
    await wb.screenshot('large-text-file-dashboard');
  });

  it('object_rows.npy is refused with the reason and the fix, in the light theme', async function () {
    await wb.setTheme('light');
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('object_rows.npy', 'custom');
    const error = await textIn(wb, 'preview-error');
    assert.match(error, /pickle/);
    assert.match(error, /np\.asarray/);
    await wb.screenshot('binary-preview-refused-light');
  });
});

describe('binary files in the browser build (Web Worker extension host)', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let dirs: { root: string; ws: string };

  before(async function () {
    dirs = workspace();
    server = await startE2EServer({ workspace: dirs.ws, settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } } });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (dirs) rmSync(dirs.root, { recursive: true, force: true });
  });

  it('an .npy pair found through the workspace file system: the preview and the dashboard show the CLI\'s mean', async function () {
    const mean = cliMean(dirs.ws, 'pair_prefixed/val_probs.npy');
    await wb.openFile('pair_prefixed/val_probs.npy', 'custom');
    assert.equal(await valueIn(wb, 'preview-mean'), mean);
    await wb.webview(0).locator('[data-testid="preview-open-dashboard"]').click();
    assert.equal(await valueIn(wb, 'mean-loss'), mean);
    await wb.screenshot('binary-web-dashboard');
  });

  it('a Parquet file and a folder of shards open in the dashboard with the CLI\'s means', async function () {
    await wb.runCommand('View: Close All Editors');
    const parquet = cliMean(dirs.ws, 'hf_logits_gzip.parquet');
    await wb.openFile('hf_logits_gzip.parquet', 'custom');
    assert.equal(await valueIn(wb, 'preview-mean'), parquet);
    await wb.runCommand('View: Close All Editors');
    const folder = cliMean(dirs.ws, 'shards');
    await openFolderDashboard(wb, 'shards');
    assert.equal(await valueIn(wb, 'mean-loss'), folder);
    assert.equal(await wb.webview().locator('[data-testid="worst-row"]').first().getAttribute('data-file').then((f) => /^shards\/rank_[012]\.csv$/.test(f ?? '')), true);
    await wb.screenshot('binary-web-dashboard-folder');
  });
});
