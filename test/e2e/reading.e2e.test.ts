/**
 * Files as real ML code writes them (issue 12), in a real editor: files the reader once misread
 * show the CLI's numbers in the dashboard, the CodeLens and the hover, and an ambiguous file shows
 * what was assumed with the other reading one click away. Runs on its own code-server over a copy
 * of a few corpus files (test/fixtures/corpus), so per-file choices never touch another suite.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbench, REPO_ROOT, startE2EServer, type E2EServer, type Workbench } from './harness';

const CORPUS = join(REPO_ROOT, 'test', 'fixtures', 'corpus');
/** Files once misread, one of each kind of trouble (see the corpus README); read right with no choice made. */
const READ_RIGHT = [
  'pandas_index_digits.csv', 'imagefolder_sorted_cifar.csv', 'uci_wine_1_to_3.csv', 'prob_benign_breast_cancer.csv', 'sorted_50_classes.csv',
  'rounded_2dp_digits.csv', 'multilabel_genres.csv', 'excel_european_iris.csv', 'hf_predict_logits_list.csv', 'bool_labels.jsonl', 'y_pred_beside_probs_iris.csv',
];
const FILES = [...READ_RIGHT, 'score_ham_spam.csv', 'ovr_sigmoid_unnormalised.csv'];

interface Manifest {
  files: { file: string; expect: { mean: number; count: number } }[];
}

/** 4 significant digits, as the CodeLens and the hover print them. */
const sig4 = (x: number): string => String(Number(x.toPrecision(4)));

describe('real files in code-server: dashboard, CodeLens and hover agree with the CLI', function () {
  this.timeout(240_000);
  let server: E2EServer;
  let wb: Workbench;
  let root: string;
  let ws: string;
  const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as Manifest;
  const expected = (file: string) => manifest.files.find((f) => f.file === file)!.expect;

  function cli(file: string, ...args: string[]): { mean: number; count: number; layout: { assumptions: { otherFlags: string }[] }; hardAgreement: { agree: number; compared: number } | null } {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), join(ws, file), '--json', '--no-progress', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  /** The CLI's loss of the sample on `line`. */
  function cliLossOnLine(file: string, line: number): number {
    const out = join(root, `${file}.losses.csv`);
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), join(ws, file), '--no-progress', '--per-sample', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const row = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).find((f) => Number(f[1]) === line);
    assert.ok(row, `no sample on line ${line}`);
    return Number(row[2]);
  }

  before(async function () {
    root = mkdtempSync(join(tmpdir(), 'll-reading-'));
    ws = join(root, 'corpus');
    mkdirSync(ws);
    for (const f of FILES) copyFileSync(join(CORPUS, f), join(ws, f));
    server = await startE2EServer({ workspace: ws });
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function lenses(): Promise<string[]> {
    const lens = wb.page.locator('.monaco-editor .codelens-decoration').first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    return lens.locator('a').allInnerTexts();
  }

  /** Waits until the CodeLens's first item matches `re`. */
  async function lensMatching(re: RegExp, timeout = 40_000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await lenses().catch(() => []);
      if (seen.some((t) => re.test(t))) return seen;
      await wb.page.waitForTimeout(300);
    }
    assert.fail(`no CodeLens matching ${String(re)}; seen: ${JSON.stringify(seen)}`);
  }

  async function dashboardMean(expected: number, timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let seen = NaN;
    for (;;) {
      const el = wb.webview().locator('[data-testid="mean-loss"]').first();
      seen = await el.getAttribute('data-value', { timeout: 2000 }).then(Number).catch(() => NaN);
      if (seen === expected) return;
      if (Date.now() > deadline) assert.equal(seen, expected, 'the dashboard\'s mean');
      await wb.page.waitForTimeout(300);
    }
  }

  for (const file of READ_RIGHT) {
    it(`${file}: the dashboard shows the reference mean, as the CLI does`, async function () {
      const ref = expected(file);
      const c = cli(file);
      assert.ok(Math.abs(c.mean - ref.mean) <= 1e-9 * ref.mean, `CLI ${c.mean} vs reference ${ref.mean}`);
      assert.equal(c.count, ref.count);
      await wb.runCommand('View: Close All Editors');
      await wb.openFile(file);
      const seen = await lensMatching(/^Loss Lens: mean/);
      assert.ok(seen[0]!.includes(`${sig4(c.mean)} nats over ${c.count.toLocaleString('en-US')} samples`), seen[0]);
      await wb.runCommand('Loss Lens: Open Dashboard');
      await dashboardMean(c.mean);
    });
  }

  it('y_pred_beside_probs_iris.csv: the dashboard shows how often the highest score agrees with y_pred, as the CLI does', async function () {
    const h = cli('y_pred_beside_probs_iris.csv').hardAgreement;
    assert.ok(h !== null && h.compared > 0);
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('y_pred_beside_probs_iris.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    const figure = wb.webview().locator('[data-testid="agreement"]');
    await figure.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(Number(await figure.getAttribute('data-value')), h.agree / h.compared);
  });

  it('pandas_index_digits.csv: hovering a row shows the loss the CLI gives that line', async function () {
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('pandas_index_digits.csv');
    const text = await wb.hoverAt(12, 3);
    assert.match(text, new RegExp(`Loss ${sig4(cliLossOnLine('pandas_index_digits.csv', 12)).replace('.', '\\.')} nats · categorical cross-entropy`));
    await wb.screenshot('reading-hover-pandas-index');
  });

  it('score_ham_spam.csv: the assumption in the CodeLens and the dashboard, and the other reading in one click', async function () {
    const assumed = cli('score_ham_spam.csv');
    assert.equal(assumed.layout.assumptions.length, 1);
    const otherFlags = assumed.layout.assumptions[0]!.otherFlags;
    const other = cli('score_ham_spam.csv', ...otherFlags.split(' '));
    assert.notEqual(sig4(other.mean), sig4(assumed.mean));
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('score_ham_spam.csv');
    const seen = await lensMatching(/Assumed P\(/);
    assert.ok(seen[0]!.includes(sig4(assumed.mean)), seen[0]);
    await wb.runCommand('Loss Lens: Open Dashboard');
    await dashboardMean(assumed.mean);
    const section = wb.webview().locator('[data-testid="assumptions"]');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await section.innerText(), /does not say which class it scores/);
    // In the editor's words: the command, not the CLI's flag.
    assert.doesNotMatch(await section.innerText(), /--class-names/);
    await wb.screenshot('reading-assumption-dashboard');
    await wb.webview().locator('[data-testid="other-reading-0"]').click();
    await dashboardMean(other.mean);
    // The choice is the file's now: the CodeLens follows, and no longer shows the assumption.
    const after = await lensMatching(new RegExp(`^Loss Lens: mean BCE ${sig4(other.mean).replace('.', '\\.')}`));
    assert.ok(!after.some((t) => t.includes('Assumed')), JSON.stringify(after));
    await wb.screenshot('reading-other-reading');
  });

  it('ovr_sigmoid_unnormalised.csv in the light theme: probabilities assumed, logits one click away', async function () {
    const assumed = cli('ovr_sigmoid_unnormalised.csv');
    assert.equal(assumed.layout.assumptions[0]!.otherFlags, '--input logits');
    // setTheme reloads the window, which may restore editors: close them, then open the file.
    await wb.setTheme('light');
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('ovr_sigmoid_unnormalised.csv');
    const seen = await lensMatching(/Assumed probabilities/);
    assert.ok(seen.includes('Read as logits'), JSON.stringify(seen));
    await wb.runCommand('Loss Lens: Open Dashboard');
    await dashboardMean(assumed.mean);
    await wb.webview().locator('[data-testid="other-reading-0"]').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await wb.webview().locator('[data-testid="other-reading-0"]').innerText(), 'Read as logits');
    await wb.screenshot('reading-assumption-light');
  });
});
