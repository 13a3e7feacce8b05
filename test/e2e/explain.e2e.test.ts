import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eWorkspace, extensionLogReport, extensionId, openWorkbench, startE2EServer, type E2EServer, type Workbench } from './harness';

/** 4 significant digits, as the hover prints them. */
const sig4 = (x: number): string => String(Number(x.toPrecision(4)));

/** problems.csv read independently: the CE of each valid row. */
function validLosses(asLogits: boolean): number[] {
  const lines = readFileSync(join(e2eWorkspace(), 'problems.csv'), 'utf8').trim().split('\n').slice(1);
  const losses: number[] = [];
  for (const l of lines) {
    const f = l.split(',');
    if (f.length !== 5) continue;
    const v = f.slice(2).map(Number);
    if (v.some((x) => !Number.isFinite(x)) || (!asLogits && v.some((x) => x < 0 || x > 1))) continue;
    const y = Number(f[1]);
    const lse = Math.log(v.reduce((s, z) => s + Math.exp(z), 0));
    losses.push(asLogits ? lse - v[y]! : -Math.log(v[y]!));
  }
  return losses;
}

/** The CodeLens figure: the mean CE over the valid rows. */
function meanOfValidRows(asLogits: boolean): { mean: number; count: number } {
  const losses = validLosses(asLogits);
  return { mean: losses.reduce((a, b) => a + b, 0) / losses.length, count: losses.length };
}

describe('explain features in code-server: hovers, CodeLens, Problems, quick fixes', function () {
  let server: E2EServer;
  let wb: Workbench;
  const problemsPath = join(e2eWorkspace(), 'problems.csv');
  const original = readFileSync(problemsPath, 'utf8');

  before(async function () {
    // A server of our own: the quick fix remembers "logits" for problems.csv in the profile.
    server = await startE2EServer({ settings: { 'files.autoSave': 'off' } });
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    // The edits test types into a sample; never leave it changed, whatever failed.
    if (readFileSync(problemsPath, 'utf8') !== original) writeFileSync(problemsPath, original);
  });

  async function codeLensText(): Promise<string> {
    const lens = wb.page.locator('.monaco-editor .codelens-decoration').first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    return (await lens.innerText()).trim();
  }

  it('hovering line 5 of problems.csv shows that row\'s loss and its derivation', async function () {
    await wb.openFile('problems.csv');
    const text = await wb.hoverAt(5, 5);
    // Line 5 is r4: label 2, p = [0.2020, 0.0771, 0.7209].
    const loss = sig4(-Math.log(0.7209));
    assert.match(text, new RegExp(`Loss ${loss} nats · categorical cross-entropy · preset Classic log loss · ln \\(nats\\)`));
    const losses = validLosses(false);
    const rank = losses.filter((l) => l > -Math.log(0.7209)).length + 1;
    assert.match(text, new RegExp(`row 3, line 5 · rank ${rank} of ${losses.length}\n`));
    assert.match(text, new RegExp(`ln p_2 = ln 0\\.7209 = -${loss}`));
    assert.match(text, /Open in the Loss Lens dashboard/);
    await wb.screenshot('explain-hover-dark');
  });

  it('hovering a header column shows that class\'s support, mean loss and share', async function () {
    const text = await wb.hoverAt(1, 19); // p_2
    assert.match(text, /Column p_2/);
    assert.match(text, /support/);
    assert.match(text, /share of the total loss/);
  });

  it('shows the CodeLens with the mean over the valid rows', async function () {
    const { mean, count } = meanOfValidRows(false);
    const lens = await codeLensText();
    assert.ok(lens.startsWith(`Loss Lens: mean CE ${sig4(mean)} nats over ${count} samples (preset classic)`), lens);
    assert.match(lens, /Open Dashboard/);
  });

  it('lists the bad values of problems.csv in the Problems panel at their lines and columns', async function () {
    const problems = (await wb.problems()).filter((p) => p.source.includes('Loss Lens'));
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.column, p.severity]), [
      ['problems.csv', 4, 10, 'error'],
      ['problems.csv', 6, 1, 'error'],
      ['problems.csv', 8, 14, 'error'],
      ['problems.csv', 10, 6, 'error'],
    ]);
    assert.equal(problems[0]!.message, 'expected a number, found "abc"');
    await wb.screenshot('explain-problems-dark');
  });

  it('the quick fix "read this file as logits" changes the result', async function () {
    const before = meanOfValidRows(false);
    const after = meanOfValidRows(true);
    assert.notEqual(sig4(before.mean), sig4(after.mean));
    const editor = wb.page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await wb.page.keyboard.press('Control+G');
    await wb.page.locator('.quick-input-widget input').fill(':8:14');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.press('Control+.');
    const item = wb.page.locator('.action-widget').getByText('Loss Lens: read this file as logits');
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    // A keyboard user's way: the widget blocks pointer events on the rest of the page while it opens.
    for (let i = 0; i < 10; i++) {
      const focused = await wb.page.locator('.action-widget .monaco-list-row.focused').innerText().catch(() => '');
      if (focused.includes('read this file as logits')) break;
      await wb.page.keyboard.press('ArrowDown');
    }
    await wb.page.keyboard.press('Enter');
    const deadline = Date.now() + 30_000;
    let lens = '';
    while (Date.now() < deadline) {
      lens = await codeLensText();
      if (lens.includes('from logits')) break;
      await wb.page.waitForTimeout(300);
    }
    assert.ok(lens.startsWith(`Loss Lens: mean CE from logits ${sig4(after.mean)} nats over ${after.count} samples`), lens);
    const problems = (await wb.problems()).filter((p) => p.source.includes('Loss Lens'));
    assert.deepEqual(problems.map((p) => p.line), [4, 6, 10]);
  });

  it('follows unsaved edits: fixing "abc" removes its diagnostic and adds the row to the CodeLens', async function () {
    const editor = wb.page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await wb.page.keyboard.press('Control+G');
    await wb.page.locator('.quick-input-widget input').fill(':4:10');
    await wb.page.keyboard.press('Enter');
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Shift+ArrowRight');
    await wb.page.keyboard.type('0.5');
    // Read as logits since the quick fix: r3 is now label 1, z = [0.2, 0.5, 0.3].
    const z = [0.2, 0.5, 0.3];
    const rowLoss = Math.log(z.reduce((t, v) => t + Math.exp(v), 0)) - 0.5;
    const { mean, count } = meanOfValidRows(true);
    const expected = (mean * count + rowLoss) / (count + 1);
    const deadline = Date.now() + 30_000;
    let lens = '';
    while (Date.now() < deadline) {
      lens = await codeLensText();
      if (lens.includes(`over ${count + 1} samples`)) break;
      await wb.page.waitForTimeout(300);
    }
    assert.ok(lens.startsWith(`Loss Lens: mean CE from logits ${sig4(expected)} nats over ${count + 1} samples`), lens);
    const problems = (await wb.problems()).filter((p) => p.source.includes('Loss Lens'));
    assert.deepEqual(problems.map((p) => p.line), [6, 10]);
    const hover = await wb.hoverAt(4, 2);
    assert.match(hover, new RegExp(`Loss ${sig4(rowLoss)} nats · categorical cross-entropy from logits`));
    assert.match(hover, /Softmax via log-sum-exp/);
    // The edits were never saved: the index followed the unsaved text.
    assert.equal(readFileSync(problemsPath, 'utf8'), original);
    await wb.runCommand('File: Revert File');
  });

  it('hovers a JSONL record (hf_logits.jsonl line 5): softmax by log-sum-exp', async function () {
    await wb.openFile('hf_logits.jsonl');
    const text = await wb.hoverAt(5, 10);
    // {"label_ids":2,"predictions":[0.1924,-1.6406,2.9255]}
    const z = [0.1924, -1.6406, 2.9255];
    const loss = Math.log(z.reduce((t, v) => t + Math.exp(v), 0)) - z[2]!;
    assert.match(text, new RegExp(`Loss ${sig4(loss)} nats · categorical cross-entropy from logits`));
    assert.match(text, /logsumexp\(z\)/);
  });

  it('renders hover and Problems panel in the light theme (screenshots)', async function () {
    await wb.setTheme('light');
    await wb.openFile('digits.csv');
    const text = await wb.hoverAt(5, 3);
    assert.match(text, /Loss \S+ nats · categorical cross-entropy/);
    await wb.screenshot('explain-hover-light');
    await wb.openFile('problems.csv');
    await wb.problems();
    await wb.screenshot('explain-problems-light');
  });

  it('logged no error of the extension', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), extensionId()).errors, []);
  });
});
