/**
 * A live run in the real editor (code-server + Chromium): Open Run... on a folder of 3 epoch files
 * (the committed fixtures, test/fixtures/run/order), then a training loop's 4th file written in two
 * halves with a pause: the first half (cut mid-row) is never read as an epoch (the view says what
 * is missing), and once the second half lands the view grows to 4 epochs without a reload (the
 * class chosen stays chosen), its means those of `loss-lens run --json` on the folder. Two more
 * files arriving out of order (epoch_10, then epoch_5) take their places in natural order. With
 * A new file with a row cut short is left out, named with its line and column in the live line and
 * in Problems, the run kept; written whole, it joins. The map by keyboard: arrow keys move the
 * ringed point, Enter opens its line and derivation. With LOSS_LENS_E2E_RUN_BENCH=1, also times a
 * 21st file copied into an open run of 20 files of 100k rows x 10 classes (the bench's,
 * scripts/bench/run.mjs): only the new file is read, the run assembled from the parts kept.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionLogReport, openWorkbench, REPO_ROOT, startE2EServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

interface CliRun {
  files: { name: string; mean: number }[];
}

function cliRun(dir: string): CliRun {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'run', dir, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as CliRun;
}

const BENCH = process.env.LOSS_LENS_E2E_RUN_BENCH === '1';

const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'run', 'order', name);

describe('a live run: epoch files written into the open run\'s folder', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let root: string;
  let dir: string;
  const timings: string[] = [];

  let ws: string;

  before(async function () {
    this.timeout(600_000);
    root = mkdtempSync(join(tmpdir(), 'll-run-live-e2e-'));
    ws = join(root, 'ws');
    dir = join(ws, 'epochs');
    mkdirSync(dir, { recursive: true });
    for (const n of ['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv']) copyFileSync(fixture(n), join(dir, n));
    if (BENCH) {
      const { writeRun } = (await import(join(REPO_ROOT, 'scripts', 'bench', 'run.mjs'))) as { writeRun: (dir: string, files: number) => Promise<void> };
      mkdirSync(join(root, 'bigsrc'));
      await writeRun(join(root, 'bigsrc'), 21);
      mkdirSync(join(ws, 'big'));
      for (let e = 1; e <= 20; e++) copyFileSync(join(root, 'bigsrc', `epoch_${e}.csv`), join(ws, 'big', `epoch_${e}.csv`));
    }
    server = await startE2EServer({ workspace: ws });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 1000 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    for (const t of timings) console.log(`    ${t}`);
  });

  const view = () => wb.visibleWebview();
  const means = () => view().locator('[data-testid="run-mean-chart"] circle.run-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  const fileNames = () => view().locator('[data-testid="run-files-table"] tbody tr td:first-child').allTextContents();
  /** Open Run... from the explorer's context menu on a folder of the workspace root (the menu asked again if it did not open). */
  async function openRunOn(folder: string): Promise<void> {
    const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: new RegExp(`^${folder}$`) }) }).first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    const item = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Open Run\.\.\.$/ }).first();
    for (let attempt = 0; ; attempt++) {
      await row.click({ button: 'right' });
      if (await item.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) break;
      assert.ok(attempt < 3, `the explorer's context menu on ${folder} did not open`);
      await wb.page.keyboard.press('Escape');
    }
    // A menu ignores a click that comes right after it opened (the right button's release): wait a moment.
    await wb.page.waitForTimeout(800);
    await item.click();
  }

  /** Polls until the view shows `n` epochs; the milliseconds it took. */
  async function epochs(n: number, timeout = 30_000): Promise<number> {
    const started = Date.now();
    await view().locator('[data-testid="run-mean-chart"] circle.run-point').nth(n - 1).waitFor({ state: 'attached', timeout });
    return Date.now() - started;
  }

  it('opens on 3 files; the 4th, written in two halves, appears only when whole, with the CLI\'s mean', async function () {
    await openRunOn('epochs');
    await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 });
    assert.deepEqual(await means(), cliRun(dir).files.map((f) => f.mean));
    // A choice the reader made, which growing the run must keep.
    await view().locator('[data-testid="run-class-select"]').selectOption('2');

    const text = readFileSync(fixture('epoch_4.csv'), 'utf8');
    // Cut mid-row, as a writer's buffer flushes it.
    const cut = text.indexOf('\n', Math.floor(text.length / 2)) - 3;
    const path = join(dir, 'epoch_4.csv');
    writeFileSync(path, text.slice(0, cut));
    await view().locator('[data-testid="run-live"] [data-file="epoch_4.csv"]').waitFor({ state: 'attached', timeout: 20_000 });
    // The pause: well past the settle's second of quiet. The half file is reported, never an epoch.
    const incomplete = view().locator('[data-testid="run-live-incomplete"][data-file="epoch_4.csv"]');
    await incomplete.waitFor({ state: 'attached', timeout: 20_000 });
    assert.equal(await incomplete.innerText(), 'epoch_4.csv is not read: its last line has no line break (a row cut short). It is read once it is complete.');
    await wb.page.waitForTimeout(2000);
    assert.equal((await means()).length, 3);
    await wb.parkMouse();
    await wb.screenshot('run-live-half');

    const written = Date.now();
    appendFileSync(path, text.slice(cut));
    await epochs(4);
    timings.push(`epoch_4.csv's second half written -> the view shows 4 epochs: ${Date.now() - written} ms (1 s of quiet included)`);
    const cli = cliRun(dir);
    assert.equal(cli.files.length, 4);
    assert.deepEqual(await means(), cli.files.map((f) => f.mean));
    assert.match(await view().locator('[data-testid="run-live-added"]').innerText(), /^epoch_4\.csv added: the run read again in \d+\.\d\d s\.$/);
    assert.equal(await view().locator('[data-testid="run-class-select"]').inputValue(), '2');
    assert.equal(await view().locator('[data-testid="run-live-incomplete"]').count(), 0);
    await wb.parkMouse();
    await wb.screenshot('run-live-grown');
  });

  it('files arriving out of order (epoch_10, then epoch_5) take their places in natural order', async function () {
    copyFileSync(fixture('epoch_10.csv'), join(dir, 'epoch_10.csv'));
    await epochs(5);
    const written = Date.now();
    copyFileSync(fixture('epoch_5.csv'), join(dir, 'epoch_5.csv'));
    await epochs(6);
    timings.push(`epoch_5.csv copied in -> the view shows 6 epochs: ${Date.now() - written} ms`);
    const cli = cliRun(dir);
    assert.deepEqual(cli.files.map((f) => f.name.replace(/^.*\//, '')), ['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv', 'epoch_4.csv', 'epoch_5.csv', 'epoch_10.csv']);
    assert.deepEqual(await means(), cli.files.map((f) => f.mean));
    assert.deepEqual(await fileNames(), ['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv', 'epoch_4.csv', 'epoch_5.csv', 'epoch_10.csv']);
    await wb.parkMouse();
    await wb.screenshot('run-live-order');
  });

  it('a new file that cannot be read is left out, said with its line and column (live line, Problems), the run kept; fixed, it joins', async function () {
    const before = await means();
    const lines = readFileSync(fixture('epoch_7.csv'), 'utf8').split('\n');
    const whole = lines.join('\n');
    // Row 6 cut to 3 of its 5 fields, more rows after it: the file is whole text, but not readable.
    const cut = lines[6]!.split(',').slice(0, 3).join(',');
    lines[6] = cut;
    writeFileSync(join(dir, 'epoch_7.csv'), lines.join('\n'));
    const left = view().locator('[data-testid="run-live-left-out"][data-file="epoch_7.csv"]');
    await left.waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await left.innerText(), `epoch_7.csv left out: epochs/epoch_7.csv:7:${cut.length + 1}: expected 5 fields (as in the header), found 3.`);
    assert.deepEqual(await means(), before, 'the run shown is the one before, 6 epochs');
    assert.equal(await view().locator('[data-testid="run-error"]').count(), 0);
    await wb.parkMouse();
    await wb.screenshot('run-live-left-out');
    const problems = (await wb.problems()).filter((p) => p.file === 'epoch_7.csv');
    assert.deepEqual(problems.map((p) => [p.line, p.column, p.severity, p.source]), [[7, cut.length + 1, 'error', 'Loss Lens']]);
    assert.match(problems[0]!.message, /^expected 5 fields \(as in the header\), found 3 \(left out of the run epochs\)$/);
    await wb.screenshot('run-live-left-out-problems');
    await wb.runCommand('View: Toggle Panel Visibility');

    writeFileSync(join(dir, 'epoch_7.csv'), whole);
    await epochs(7);
    assert.equal(await view().locator('[data-testid="run-live-left-out"]').count(), 0);
    assert.deepEqual(await means(), cliRun(dir).files.map((f) => f.mean));
    assert.deepEqual((await wb.problems()).filter((p) => p.file === 'epoch_7.csv'), []);
    await wb.runCommand('View: Toggle Panel Visibility');

    // The first file, which every other is matched to, cut the same way: the run read before stays, the failure said.
    const shown = await means();
    const first = readFileSync(join(dir, 'epoch_1.csv'), 'utf8');
    const rows = first.split('\n');
    const short = rows[3]!.split(',').slice(0, 2).join(',');
    rows[3] = short;
    writeFileSync(join(dir, 'epoch_1.csv'), rows.join('\n'));
    const failed = view().locator('[data-testid="run-live-failed"]');
    await failed.waitFor({ state: 'attached', timeout: 30_000 });
    assert.equal(await failed.innerText(), `Reading the run again for epoch_1.csv failed: epochs/epoch_1.csv:4:${short.length + 1}: expected 5 fields (as in the header), found 2. The run shown is the one read before.`);
    assert.deepEqual(await means(), shown);
    await wb.parkMouse();
    await wb.screenshot('run-live-failed');
    writeFileSync(join(dir, 'epoch_1.csv'), first);
    await failed.waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(await means(), cliRun(dir).files.map((f) => f.mean));
  });

  it('the map by keyboard: Tab to it, arrow keys move the ringed point (said), Enter opens its line and derivation', async function () {
    const stage = view().locator('[data-testid="run-map"]');
    await stage.scrollIntoViewIfNeeded();
    await stage.focus();
    const readout = view().locator('[data-testid="run-map-readout"]');
    assert.match(await readout.innerText(), /^Sample #\d+: confidence \d\.\d{3}, variability \d\.\d{3}, .*Arrow keys move to the next point that way; Enter opens it in epoch_10\.csv\.$/);
    // From the point nearest the centre each step finds a point that way (the ring moves, the readout says it).
    let picked = Number(await stage.getAttribute('data-picked'));
    for (const k of ['ArrowRight', 'ArrowUp', 'ArrowLeft']) {
      await stage.press(k);
      const now = Number(await stage.getAttribute('data-picked'));
      assert.notEqual(now, picked, k);
      picked = now;
      assert.match(await readout.innerText(), new RegExp(`^Sample #${picked + 1}: confidence `));
    }
    await wb.parkMouse();
    await wb.screenshot('run-map-keys');
    await stage.press('Enter');
    // Matched by row order under a header: sample i is on line i + 2 of every file.
    const line = picked + 2;
    const derivation = view().locator(`[data-testid="derivation"][data-line="${line}"]`);
    await derivation.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await derivation.locator('h2').innerText(), new RegExp(`line ${line} of epochs/epoch_10\\.csv`));
    await wb.parkMouse();
    await wb.screenshot('run-map-keys-opened');
  });

  if (BENCH) {
    it('20 files x 100k rows x 10 classes open: a 21st copied in, the time until the view shows it', async function () {
      this.timeout(600_000);
      await wb.runCommand('View: Close All Editor Groups');
      const opened = Date.now();
      await openRunOn('big');
      await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 550_000 });
      timings.push(`Open Run... on 20 files x 100k rows x 10 classes: ${Date.now() - opened} ms from the click to the view`);
      const written = Date.now();
      copyFileSync(join(root, 'bigsrc', 'epoch_21.csv'), join(ws, 'big', 'epoch_21.csv'));
      await epochs(21, 550_000);
      const added = await view().locator('[data-testid="run-live-added"]').innerText();
      timings.push(`epoch_21.csv copied in -> the view shows 21 epochs: ${Date.now() - written} ms (${added})`);
      await wb.parkMouse();
      await wb.screenshot('run-live-big');
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
