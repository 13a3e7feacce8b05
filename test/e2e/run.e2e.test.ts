/**
 * Open Run... in the real editor (code-server + Chromium): a folder of 10 epoch files (the
 * committed NumPy-made fixtures, test/fixtures/run/order) opened from the explorer's context menu
 * shows `loss-lens run --json`'s means and accuracies, says how samples were matched, and a click
 * on the cartography map opens the sample's line in the last file with its derivation (the loss
 * --per-sample gives it there), in dark and light; the same in the browser build (the run read by
 * its Web Worker, a run held in one file too). With LOSS_LENS_E2E_RUN_BENCH=1, also times a
 * run of 20 files of 100k rows x 10 classes (the bench's, scripts/bench/run.mjs) from the click
 * to the view.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionLogReport, openWorkbench, REPO_ROOT, startE2EServer, type E2EServer, type ThemeName, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

interface CliRun {
  samples: number;
  matchedBy: string;
  files: { mean: number; accuracy: number }[];
}

const BENCH = process.env.LOSS_LENS_E2E_RUN_BENCH === '1';

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'run', ...args, '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The map's geometry as src/webview/run/model.ts draws it on its 520 x 380 stage. */
function mapPixel(confidence: number, variability: number, maxVariability: number): [number, number] {
  const left = 44;
  const top = 10;
  return [left + (variability / maxVariability) * (520 - left - 12), top + (1 - confidence) * (380 - top - 36)];
}

/** Open Run... from the explorer's context menu on a folder of the workspace root. */
async function openRunOn(wb: Workbench, folder: string): Promise<void> {
  const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${folder}$`) }) });
  await row.first().click({ button: 'right' });
  const item = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Open Run\.\.\.$/ });
  await item.first().waitFor({ state: 'visible', timeout: 15_000 });
  // A menu ignores a click that comes right after it opened (the right button's release): wait a moment.
  await wb.page.waitForTimeout(800);
  await item.first().click();
}

/**
 * Opens the run on the workspace's `epochs` folder and checks the view against the CLI: the
 * charts' values, the matching, a click on the map opening the sample's line and derivation.
 */
async function checkRun(wb: Workbench, ws: string, root: string, theme: ThemeName, where: string): Promise<void> {
  const view = () => wb.visibleWebview();
  const dir = join(ws, 'epochs');
  const run = JSON.parse(cli(dir, '--json')) as CliRun;
  const perSample = join(root, 'samples.csv');
  cli(dir, '--per-sample', perSample);
  const samples = readFileSync(perSample, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

  await wb.setTheme(theme);
  await wb.runCommand('View: Close All Editor Groups');
  await openRunOn(wb, 'epochs');
  await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 });
  const points = (testid: string) => view().locator(`[data-testid="${testid}"] circle.run-point`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  assert.deepEqual(await points('run-mean-chart'), run.files.map((f) => f.mean));
  assert.deepEqual(await points('run-accuracy-chart'), run.files.map((f) => f.accuracy));
  assert.equal(await view().locator('[data-testid="run-matching"]').getAttribute('data-by'), run.matchedBy);
  assert.match(await view().locator('[data-testid="run-matching"]').innerText(), /^Matched by row order/);
  assert.equal(Number(await view().locator('[data-testid="run-map"]').getAttribute('data-samples')), run.samples);
  await wb.parkMouse();
  await wb.screenshot(`run-top-${where}-${theme}`);

  // The sample farthest (on the map) from any other: a click on it can only mean it.
  const maxV = Number(await view().locator('[data-testid="run-map"]').getAttribute('data-max-variability'));
  const px = samples.map((s) => mapPixel(s[4]!, s[5]!, maxV));
  let pick = 0;
  let room = -1;
  px.forEach(([x, y], i) => {
    let near = Infinity;
    px.forEach(([u, v], j) => {
      if (j !== i) near = Math.min(near, Math.hypot(u - x, v - y));
    });
    if (near > room) {
      room = near;
      pick = i;
    }
  });
  const stage = view().locator('[data-testid="run-map"]');
  await stage.scrollIntoViewIfNeeded();
  const box = await stage.boundingBox();
  assert.ok(box);
  const scale = box.width / 520;
  const [x, y] = px[pick]!;
  await stage.click({ position: { x: x * scale, y: y * scale } });
  assert.equal(await stage.getAttribute('data-picked'), String(pick));
  // The pointer came to the point before the click: hovering named it.
  assert.match((await stage.getAttribute('title')) ?? '', new RegExp(`^Sample #${pick + 1}: confidence .*Click to open it\\.$`));
  // Matched by row order, every file has the sample on the line it has in the first.
  const line = samples[pick]![3]!;
  const derivation = view().locator(`[data-testid="derivation"][data-line="${line}"]`);
  await derivation.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await derivation.locator('h2').innerText(), new RegExp(`line ${line} of epochs/epoch_10\\.csv`));
  const value = Number(await derivation.getAttribute('data-value'));
  const lossLast = samples[pick]![10]!;
  // --per-sample writes the trajectory store's float32 loss: equal to 7 digits.
  assert.ok(Math.abs(value - lossLast) <= 1e-6 * Math.max(1, lossLast), `derivation ${value}, --per-sample ${lossLast}`);
  await wb.page.locator('.tabs-container .tab[aria-label^="epoch_10.csv"]').first().waitFor({ timeout: 30_000 });
  await wb.page.waitForFunction(
    (want) => [...document.querySelectorAll('.editor-instance .monaco-editor .line-numbers.active-line-number')].some((e) => e.textContent?.trim() === want),
    String(line), { timeout: 20_000 },
  );
  await stage.scrollIntoViewIfNeeded();
  await wb.parkMouse();
  await wb.screenshot(`run-map-${where}-${theme}`);
  await view().locator('#run-rose').scrollIntoViewIfNeeded();
  await wb.parkMouse();
  await wb.screenshot(`run-lists-${where}-${theme}`);
}

describe('Open Run... in code-server: a folder of epoch files, dark, light and high contrast', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let root: string;
  let ws: string;
  let benchSeconds: number | undefined;

  before(async function () {
    root = mkdtempSync(join(tmpdir(), 'll-run-e2e-'));
    ws = join(root, 'runs');
    mkdirSync(ws);
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'run', 'order'), join(ws, 'epochs'), { recursive: true });
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'run', 'one_file', 'log.jsonl'), join(ws, 'log.jsonl'));
    if (BENCH) {
      this.timeout(900_000);
      const { writeRun } = (await import(join(REPO_ROOT, 'scripts', 'bench', 'run.mjs'))) as { writeRun: (dir: string, files: number) => Promise<void> };
      mkdirSync(join(ws, 'big'));
      await writeRun(join(ws, 'big'), 20);
    }
    server = await startE2EServer({ workspace: ws });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 1000 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    if (benchSeconds !== undefined) console.log(`    Open Run... on 20 files x 100,000 rows x 10 classes: ${benchSeconds.toFixed(2)} s from the menu click to the view`);
  });

  const view = () => wb.visibleWebview();

  for (const theme of ['dark', 'light', 'highContrast'] as const) {
    it(`the CLI's means and accuracies, the matching said, a click on the map opens the sample's line and derivation (${theme})`, async function () {
      await checkRun(wb, ws, root, theme, 'desktop');
    });
  }

  it('a window reload brings the run view back, read again', async function () {
    const means = (JSON.parse(cli(join(ws, 'epochs'), '--json')) as CliRun).files.map((f) => f.mean);
    // Developer: Reload Window, as a user reloads: the workbench saves the open views first (a
    // page reload restores them only once it has saved them by itself; see workflows.e2e.test.ts).
    const loaded = wb.page.waitForEvent('load', { timeout: 60_000 });
    await wb.runCommandThatAsks('Developer: Reload Window').catch(() => undefined);
    await loaded;
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 }).catch(async (err: unknown) => {
      await wb.screenshot('run-not-restored');
      throw err;
    });
    assert.deepEqual(await view().locator('[data-testid="run-mean-chart"] circle.run-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value')))), means);
  });

  it('one file whose column numbers the epochs (log.jsonl, rows of 10 epochs shuffled): the CLI\'s run of it, matched by id', async function () {
    const run = JSON.parse(cli(join(ws, 'log.jsonl'), '--json')) as CliRun;
    await wb.runCommand('View: Close All Editor Groups');
    await openRunOn(wb, 'log.jsonl');
    await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 });
    assert.deepEqual(await view().locator('[data-testid="run-mean-chart"] circle.run-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value')))), run.files.map((f) => f.mean));
    assert.equal(await view().locator('[data-testid="run-matching"]').getAttribute('data-by'), 'id');
    // A forgotten sample's row opens log.jsonl itself, at that epoch's row of the sample.
    const row = view().locator('[data-testid="run-forgotten-row"]').first();
    const line = Number(await row.getAttribute('data-line'));
    await row.click();
    await view().locator(`[data-testid="derivation"][data-line="${line}"]`).waitFor({ state: 'visible', timeout: 60_000 });
    await wb.page.locator('.tabs-container .tab[aria-label^="log.jsonl"]').first().waitFor({ timeout: 30_000 });
    await wb.parkMouse();
    await wb.screenshot('run-one-file-dark');
  });

  it('three files selected together in the explorer: the run of those three, titled by them', async function () {
    const picked = ['epoch_2.csv', 'epoch_5.csv', 'epoch_9.csv'];
    const run = JSON.parse(cli(...picked.map((n) => join(ws, 'epochs', n)), '--json')) as CliRun;
    await wb.runCommand('View: Close All Editor Groups');
    const row = (name: string) => wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) }).first();
    if (!(await row(picked[0]!).isVisible())) await row('epochs').click();
    await row(picked[0]!).waitFor({ timeout: 15_000 });
    // The list can re-render under a Ctrl-click: select again until all three rows are selected.
    for (let attempt = 0; ; attempt++) {
      await row(picked[0]!).click();
      for (const n of picked.slice(1)) {
        await wb.page.waitForTimeout(300);
        await row(n).click({ modifiers: ['Control'] });
      }
      await wb.page.waitForTimeout(300);
      const selected = await Promise.all(picked.map(async (n) => (await row(n).getAttribute('aria-selected')) === 'true'));
      if (selected.every(Boolean)) break;
      assert.ok(attempt < 4, `the explorer did not keep ${picked.join(', ')} selected together`);
    }
    await openRunOn(wb, picked[2]!);
    await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 });
    assert.deepEqual(await view().locator('[data-testid="run-mean-chart"] circle.run-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value')))), run.files.map((f) => f.mean));
    assert.equal(await view().locator('#run-title').innerText(), 'Run: 3 files in epochs (epoch_2.csv, epoch_5.csv, ...)');
  });

  if (BENCH) {
    it('20 files x 100k rows x 10 classes: the time from the menu click to the view', async function () {
      this.timeout(600_000);
      await wb.runCommand('View: Close All Editor Groups');
      const started = Date.now();
      await openRunOn(wb, 'big');
      await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 550_000 });
      benchSeconds = (Date.now() - started) / 1000;
      assert.equal(Number(await view().locator('[data-testid="run-map"]').getAttribute('data-samples')), 100_000);
      await wb.parkMouse();
      await view().locator('[data-testid="run-map"]').scrollIntoViewIfNeeded();
      await wb.screenshot('run-big-map');
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});

describe('Open Run... in the browser build (the web worker extension host)', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let root: string;
  let ws: string;

  before(async function () {
    root = mkdtempSync(join(tmpdir(), 'll-run-web-e2e-'));
    ws = join(root, 'runs');
    mkdirSync(ws);
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'run', 'order'), join(ws, 'epochs'), { recursive: true });
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'run', 'one_file', 'log.jsonl'), join(ws, 'log.jsonl'));
    server = await startE2EServer({ workspace: ws, settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } } });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 1000 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const view = () => wb.visibleWebview();

  it('the same view, read by the Web Worker: the CLI\'s numbers, a click on the map opens the line and derivation (dark)', async function () {
    await checkRun(wb, ws, root, 'dark', 'web');
    // The Node extension host never started Loss Lens: the run was read in the browser build's worker.
    assert.ok(!server.extensionHostLogs().some((log) => log.includes(`_doActivateExtension ${EXTENSION_ID}`)), 'Loss Lens ran in the Node extension host');
  });

  it('one file whose column numbers the epochs (log.jsonl), read by the Web Worker: the CLI\'s run of it, matched by id', async function () {
    const run = JSON.parse(cli(join(ws, 'log.jsonl'), '--json')) as CliRun;
    await wb.runCommand('View: Close All Editor Groups');
    await openRunOn(wb, 'log.jsonl');
    await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 });
    assert.deepEqual(await view().locator('[data-testid="run-mean-chart"] circle.run-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value')))), run.files.map((f) => f.mean));
    assert.equal(await view().locator('[data-testid="run-matching"]').getAttribute('data-by'), 'id');
    await wb.parkMouse();
    await wb.screenshot('run-one-file-web-dark');
  });

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
