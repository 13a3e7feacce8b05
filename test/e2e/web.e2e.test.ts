import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eWorkspace, extensionLogReport, openWorkbench, startE2EServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

/**
 * code-server runs an extension that has both `main` and `browser` in its Node extension host.
 * This user setting (read by VS Code's extensionManifestPropertiesService) makes the web
 * workbench run it in the browser's Web Worker extension host instead, as vscode.dev does.
 */
const IN_WEB_WORKER = { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } };

/** 4 significant digits, as the hover prints them. */
const sig4 = (x: number): string => String(Number(x.toPrecision(4)));

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/**
 * The suite's workspace: a copy of samples/ made by before() (the live-reload test rewrites a
 * file), beside a folder for exports. Every figure below is the CLI's on that copy.
 */
let root = '';
let ws = '';

/** The CLI's --json mean (the desktop's reader and math, in Node): what the browser build must show. */
const cliMean = (file: string, ...args: string[]): number => (JSON.parse(cli(join(ws, file), '--json', ...args)) as { mean: number }).mean;

/** digits.csv read independently: the CE of the row on a 1-based line (labels are class names). */
function digitsLoss(line: number): number {
  const lines = readFileSync(join(ws, 'digits.csv'), 'utf8').split('\n');
  const classes = lines[0]!.split(',').slice(2).map((h) => h.replace(/^prob_/, ''));
  const fields = lines[line - 1]!.split(',');
  const y = classes.indexOf(fields[1]!);
  assert.ok(y >= 0, `label ${fields[1]} of line ${line} is not a class`);
  return -Math.log(Number(fields[2 + y]));
}

describe('the browser build in code-server: Loss Lens in the web worker extension host', function () {
  let server: E2EServer;
  let wb: Workbench;
  let out = '';

  before(async function () {
    root = mkdtempSync(join(tmpdir(), 'loss-lens-web-e2e-'));
    ws = join(root, 'samples');
    out = join(root, 'out');
    cpSync(e2eWorkspace(), ws, { recursive: true });
    mkdirSync(out);
    server = await startE2EServer({ workspace: ws, settings: { ...IN_WEB_WORKER, 'files.autoSave': 'off' } });
    wb = await openWorkbench(server, { viewport: { width: 1600, height: 1000 } });
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** The lines of an Output channel or a log (picked by its label in the command's list) that contain `filter`. */
  async function outputOf(command: string, label: string, filter: string, timeout = 20_000): Promise<string> {
    let text = '';
    // Twice at most: a pick made while the list is still filling can land on another channel.
    for (let attempt = 0; attempt < 2; attempt++) {
      await wb.runCommandThatAsks(command);
      await wb.pickItem(label);
      const channel = wb.page.locator('.part.panel select.monaco-select-box').filter({ visible: true }).first();
      const shown = await channel.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text ?? '').catch(() => '');
      // The view shows the end of a channel; its filter box brings back the lines asked for.
      await wb.page.locator('.part.panel input[placeholder="Filter"]').fill(filter);
      const view = wb.page.locator('.part.panel .monaco-editor .view-lines').filter({ visible: true }).first();
      const deadline = Date.now() + (attempt === 0 ? timeout / 2 : timeout);
      for (;;) {
        text = (await view.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        if (text.includes(filter) || Date.now() > deadline) break;
        await wb.page.waitForTimeout(300);
      }
      if (text.includes(filter) || shown === label) return text;
    }
    await wb.screenshot(`web-output-${label.replace(/\W+/g, '-')}`);
    return text;
  }

  async function shownMean(timeout = 60_000): Promise<number> {
    const el = wb.webview().locator('[data-testid="mean-loss"]');
    await el.waitFor({ state: 'visible', timeout });
    return Number(await el.getAttribute('data-value'));
  }

  it('Open Dashboard on digits.csv shows the mean the CLI computes, computed in a Web Worker', async function () {
    // Workers the page (and its extension-host iframe) starts: ours is named, and built from a blob.
    const workers: string[] = [];
    wb.page.on('worker', (w) => workers.push(w.url()));
    await wb.openFile('digits.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    assert.equal(await shownMean(), cliMean('digits.csv'));
    assert.ok(workers.some((u) => u.startsWith('blob:')), `no Web Worker started: ${workers.join(', ')}`);
    await wb.screenshot('web-dashboard');
  });

  it('puts the mean of digits.csv in the status bar', async function () {
    const item = wb.page.locator('.statusbar-item', { hasText: /Loss \d\.\d{4}/ }).first();
    await wb.runCommand('View: Focus First Editor Group');
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await item.innerText(), new RegExp(`Loss ${cliMean('digits.csv').toFixed(4)}`));
  });

  it('shows the CodeLens above digits.csv with the CLI\'s mean', async function () {
    const lens = wb.page.locator('.monaco-editor .codelens-decoration').first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok((await lens.innerText()).startsWith(`Loss Lens: mean CE ${sig4(cliMean('digits.csv'))} nats over 899 samples (preset classic)`), await lens.innerText());
  });

  it('hovering a row of digits.csv shows that row\'s loss and its rank', async function () {
    const line = 7;
    const text = await wb.hoverAt(line, 3, 40_000);
    assert.match(text, new RegExp(`Loss ${sig4(digitsLoss(line))} nats · categorical cross-entropy · preset Classic log loss`));
    assert.match(text, new RegExp(`row ${line - 2}, line ${line} · rank \\d+ of 899`));
    await wb.screenshot('web-hover');
    await wb.page.keyboard.press('Escape');
  });

  it('clicking a worst-samples row opens its derivation, with the loss of that line', async function () {
    await wb.runCommand('Loss Lens: Open Dashboard');
    const row = wb.webview().locator('[data-testid="worst-row"]').nth(2);
    await row.scrollIntoViewIfNeeded({ timeout: 60_000 });
    const line = Number(await row.getAttribute('data-line'));
    await row.click();
    const section = wb.webview().locator(`[data-testid="derivation"][data-line="${line}"]`);
    await section.waitFor({ state: 'visible', timeout: 60_000 });
    const value = Number(await section.getAttribute('data-value'));
    assert.ok(Math.abs(value - digitsLoss(line)) <= 1e-12 * digitsLoss(line), `${value} vs ${digitsLoss(line)}`);
    assert.equal(await section.locator('.katex-error').count(), 0);
    assert.ok((await section.locator('.katex').count()) > 0, 'no KaTeX in the derivation');
    await section.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await wb.screenshot('web-derivation');
  });

  it('Compute Loss says the CLI\'s mean in a notification', async function () {
    await wb.clearNotifications();
    await wb.runCommand('View: Focus First Editor Group');
    await wb.runCommand('Loss Lens: Compute Loss');
    const n = await wb.waitForNotification(/Loss Lens: digits\.csv: mean loss/, 60_000);
    assert.match(n.message, new RegExp(`mean loss ${cliMean('digits.csv').toFixed(4)} nats over 899 samples`));
    await wb.clearNotifications();
  });

  it('Compare With... epoch_2.csv shows both means as the CLI reads them', async function () {
    await wb.openFile('epoch_1.csv');
    await wb.runCommandThatAsks('Loss Lens: Compare With...');
    await wb.answerInput(join(ws, 'epoch_2.csv'));
    await wb.webview().locator('[data-testid="comparison"]').waitFor({ state: 'visible', timeout: 60_000 });
    const mean = wb.webview().locator('[data-testid="compare-mean"] td');
    assert.equal(Number(await mean.nth(0).getAttribute('data-value')), cliMean('epoch_1.csv'));
    assert.equal(Number(await mean.nth(1).getAttribute('data-value')), cliMean('epoch_2.csv'));
    assert.ok((await wb.webview().locator('[data-testid="changed-row"]').count()) > 0, 'no changed samples listed');
    await wb.screenshot('web-compare');
  });

  async function expectMean(expected: number, timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    let seen = NaN;
    while (Date.now() < deadline) {
      seen = await shownMean(5000).catch(() => NaN);
      if (seen === expected) return;
      await wb.page.waitForTimeout(300);
    }
    assert.equal(seen, expected, 'the dashboard\'s mean');
  }

  it('Select Preset... → pytorch: the dashboard of epoch_2.csv shows the CLI\'s pytorch mean', async function () {
    const [classic, pytorch] = [cliMean('epoch_2.csv'), cliMean('epoch_2.csv', '--preset', 'pytorch')];
    assert.notEqual(classic, pytorch, 'the presets should differ on this file');
    // One dashboard at a time: wb.webview() is the first one in the page, shown or not.
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('epoch_2.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    await expectMean(classic);
    await wb.runCommandThatAsks('Loss Lens: Select Preset...');
    await wb.pickItem('pytorch');
    await expectMean(pytorch);
  });

  it('follows the file when it changes on disk (live reload through the remote file watcher)', async function () {
    const before = cliMean('epoch_1.csv');
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('epoch_1.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    // Compare With... left this dashboard comparing: back to the file alone first.
    const alone = wb.webview().locator('[data-testid="close-comparison"]');
    if (await alone.isVisible()) await alone.click();
    await expectMean(before);
    const original = readFileSync(join(ws, 'epoch_1.csv'));
    writeFileSync(join(ws, 'epoch_1.csv'), readFileSync(join(ws, 'epoch_2.csv')));
    try {
      await expectMean(cliMean('epoch_1.csv'));
    } finally {
      writeFileSync(join(ws, 'epoch_1.csv'), original);
    }
    await expectMean(before);
  });

  /** Waits for the quick pick's title to match (the steps of a multi-step command). */
  async function waitForTitle(re: RegExp): Promise<void> {
    const title = wb.page.locator('.quick-input-widget .quick-input-title');
    await wb.page.waitForFunction(
      ([el, source]) => new RegExp(source as string).test((el as HTMLElement | null)?.innerText ?? ''),
      [await title.elementHandle(), re.source] as const,
      { timeout: 30_000 },
    );
  }

  it('Choose Columns... → logits: the dashboard reads epoch_1.csv as logits, as the CLI does with --input logits', async function () {
    const asLogits = cliMean('epoch_1.csv', '--input', 'logits');
    assert.notEqual(asLogits, cliMean('epoch_1.csv'));
    await wb.runCommand('View: Close All Editors');
    await wb.openFile('epoch_1.csv');
    await wb.runCommandThatAsks('Loss Lens: Choose Columns...');
    await waitForTitle(/\(1\/5\)/);
    await wb.pickItem('label');
    await waitForTitle(/\(2\/5\)/);
    // The inferred prediction column is ticked already: accept the selection.
    await wb.page.keyboard.press('Enter');
    await waitForTitle(/\(3\/5\)/);
    await wb.pickItem('Infer');
    await waitForTitle(/\(4\/5\)/);
    await wb.pickItem('logits');
    // The class names as inferred: accept them.
    await waitForTitle(/\(5\/5\)/);
    await wb.page.keyboard.press('Enter');
    await wb.runCommand('Loss Lens: Open Dashboard');
    await expectMean(asLogits);
  });

  it('lists the bad values of problems.csv in the Problems panel', async function () {
    await wb.openFile('problems.csv');
    const deadline = Date.now() + 30_000;
    let lines: (number | null)[] = [];
    while (Date.now() < deadline) {
      lines = (await wb.problems()).filter((p) => p.source.includes('Loss Lens')).map((p) => p.line);
      if (lines.length >= 4) break;
      await wb.page.waitForTimeout(500);
    }
    assert.deepEqual(lines, [4, 6, 8, 10]);
  });

  it('Export Report... as CSV writes the per-sample losses the CLI writes, through the workspace file system', async function () {
    await wb.openFile('digits.csv');
    await wb.runCommandThatAsks('Loss Lens: Export Report...');
    await wb.pickItem('CSV');
    const target = join(out, 'digits.losses.csv');
    // code-server's save dialog is a quick input holding a path on the server.
    await wb.answerInput(target);
    await wb.waitForNotification(/Loss Lens: report written to/, 60_000);
    const reference = join(out, 'cli.csv');
    cli(join(ws, 'digits.csv'), '--per-sample', reference);
    const ours = readFileSync(target, 'utf8').trimEnd().split('\n');
    const theirs = readFileSync(reference, 'utf8').trimEnd().split('\n');
    assert.equal(ours[0], theirs[0]);
    assert.equal(ours.length, theirs.length);
    let differ = 0;
    ours.slice(1).forEach((l, i) => {
      const [a, b] = [l.split(','), theirs[i + 1]!.split(',')];
      // Everything but the loss is exact; the loss may differ in its last bit: Chromium's V8
      // computes Math.log differently from Node 20's (e.g. -ln 0.975809 is 0.024488408441457946
      // in Chromium and glibc, 0.02448840844145795 in Node).
      assert.deepEqual([...a.slice(0, 2), ...a.slice(3)], [...b.slice(0, 2), ...b.slice(3)], `line ${i + 2}`);
      const [x, y] = [Number(a[2]), Number(b[2])];
      assert.ok(Math.abs(x - y) <= 4 * Number.EPSILON * Math.abs(y), `line ${i + 2}: loss ${x} vs ${y}`);
      if (x !== y) differ++;
    });
    console.log(`      per-sample losses differing from Node's in the last bits: ${differ} of ${ours.length - 1}`);
  });

  it('Export Report... as JSON writes the CLI\'s --json report (only the file name differs)', async function () {
    await wb.clearNotifications();
    await wb.openFile('digits.csv');
    await wb.runCommandThatAsks('Loss Lens: Export Report...');
    await wb.pickItem('JSON');
    const target = join(out, 'digits.loss-report.json');
    await wb.answerInput(target);
    await wb.waitForNotification(/Loss Lens: report written to/, 60_000);
    const ours = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
    const theirs = JSON.parse(cli(join(ws, 'digits.csv'), '--json')) as Record<string, unknown>;
    assert.equal(ours.file, 'digits.csv');
    // Every figure but the per-sample losses' last bits (Math.log in Chromium): the mean is exact.
    assert.equal(ours.mean, theirs.mean);
    assert.equal(ours.count, theirs.count);
    assert.deepEqual(ours.layout, theirs.layout);
  });

  it('ran in the web worker host: Running Extensions says so, its log has the activation, the Node host\'s has none', async function () {
    await wb.clearNotifications();
    // A dashboard's webview is laid over the workbench and would take the clicks meant for the panel.
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Developer: Show Running Extensions');
    const entry = wb.page.locator('.editor-instance .monaco-list-row', { hasText: 'Loss Lens' }).first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await entry.innerText(), /web worker/i);
    await wb.screenshot('web-running-extensions');

    const said = await outputOf('Output: Show Output Channels...', 'Loss Lens', 'browser build');
    assert.match(said, /Loss Lens \d+\.\d+\.\d+, browser build \(web extension host\): jobs run in a Web Worker/);

    const activated = await outputOf('Developer: Show Logs...', 'Extension Host (Worker)', '_doActivateExtension');
    assert.match(activated, /ExtensionService#_doActivateExtension loss-lens\.loss-lens/);
    await wb.screenshot('web-worker-log');
    assert.equal((await outputOf('Developer: Show Logs...', 'Extension Host (Worker)', '[error]', 2000)).trim(), '');

    // The Node extension host (code-server's remoteexthost.log) never loaded it.
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID), { activations: [], errors: [] });
  });
});
