/**
 * A Trainer output folder opened as a run in the real editor (code-server + Chromium): Open Run...
 * on `results/` (checkpoint-500..1500/predictions.jsonl beside Trainer's config.json and
 * trainer_state.json, a runs/ of logs, no predictions of its own) shows a file per subfolder with
 * `loss-lens run results/`'s means and says so; a new checkpoint-2000 (config first, then its
 * predictions) grows the run without a reload; the oldest checkpoint deleted whole (save_total_limit)
 * takes its file out. Fixtures: test/fixtures/run-subfolders (scripts/fixtures/gen_run_subfolders.py).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbench, REPO_ROOT, startE2EServer, type E2EServer, type Workbench } from './harness';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'run-subfolders', 'results');

function cliMeans(dir: string): number[] {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'run', dir, '--json', '--no-progress'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { files: { mean: number }[] }).files.map((f) => f.mean);
}

describe('a run of a file per subfolder (Trainer checkpoints)', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let root: string;
  let dir: string;

  before(async function () {
    this.timeout(600_000);
    root = mkdtempSync(join(tmpdir(), 'll-run-subfolders-e2e-'));
    const ws = join(root, 'ws');
    dir = join(ws, 'results');
    mkdirSync(dir, { recursive: true });
    for (const c of ['checkpoint-500', 'checkpoint-1000', 'checkpoint-1500', 'runs']) cpSync(join(FIXTURE, c), join(dir, c), { recursive: true });
    server = await startE2EServer({ workspace: ws });
    wb = await openWorkbench(server, { viewport: { width: 1500, height: 1000 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const view = () => wb.visibleWebview();
  const means = () => view().locator('[data-testid="run-mean-chart"] circle.run-point').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  const fileNames = () => view().locator('[data-testid="run-files-table"] tbody tr td:first-child').allTextContents();
  async function points(n: number): Promise<void> {
    await view().locator('[data-testid="run-mean-chart"] circle.run-point').nth(n - 1).waitFor({ state: 'attached', timeout: 30_000 });
    await view().locator('[data-testid="run-mean-chart"] circle.run-point').nth(n).waitFor({ state: 'detached', timeout: 30_000 });
  }

  it('Open Run... on results/ reads checkpoint-*/predictions.jsonl, the CLI\'s means, and says so', async function () {
    const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^results$/ }) }).first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    const item = wb.page.locator('.context-view .monaco-menu .action-item', { hasText: /^Open Run\.\.\.$/ }).first();
    for (let attempt = 0; ; attempt++) {
      await row.click({ button: 'right' });
      if (await item.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) break;
      assert.ok(attempt < 3, 'the explorer\'s context menu did not open');
      await wb.page.keyboard.press('Escape');
    }
    await wb.page.waitForTimeout(800);
    await item.click();
    await view().locator('[data-testid="run-ready"]').waitFor({ state: 'attached', timeout: 90_000 });
    assert.deepEqual(await means(), cliMeans(dir));
    assert.equal((await means()).length, 3);
    console.log(`    files: ${(await fileNames()).join(' | ')}`);
    assert.match(await view().locator('.subtitle').first().innerText(), /results: a file per subfolder: checkpoint-\*\/predictions\.jsonl, in natural order of the subfolders \(checkpoint-500 first, checkpoint-1500 last\)\./);
    await wb.parkMouse();
    await wb.screenshot('run-subfolders-open');
  });

  it('a new checkpoint folder grows the run; the oldest deleted takes its file out', async function () {
    // Written in a folder beside the run's and moved in whole, as a checkpoint saved to a
    // temporary folder and renamed is: no event comes for the files inside, only for the folder.
    const tmp = join(root, 'tmp-checkpoint-2000');
    mkdirSync(tmp);
    copyFileSync(join(FIXTURE, 'checkpoint-2000', 'config.json'), join(tmp, 'config.json'));
    copyFileSync(join(FIXTURE, 'checkpoint-2000', 'trainer_state.json'), join(tmp, 'trainer_state.json'));
    copyFileSync(join(FIXTURE, 'checkpoint-2000', 'predictions.jsonl'), join(tmp, 'predictions.jsonl'));
    const written = Date.now();
    renameSync(tmp, join(dir, 'checkpoint-2000'));
    await points(4);
    console.log(`    checkpoint-2000 moved in -> 4 files shown: ${Date.now() - written} ms`);
    assert.deepEqual(await means(), cliMeans(dir));
    assert.match(await view().locator('[data-testid="run-live-added"]').innerText(), /^checkpoint-2000\/predictions\.jsonl added: the run read again in \d+\.\d\d s\.$/);
    await wb.parkMouse();
    await wb.screenshot('run-subfolders-grown');

    rmSync(join(dir, 'checkpoint-500'), { recursive: true });
    await points(3);
    assert.deepEqual(await means(), cliMeans(dir));
    await wb.parkMouse();
    await wb.screenshot('run-subfolders-rotated');
  });
});
