/**
 * In the real editor: a token classifier's file whose masked tokens are labelled -100 is refused
 * with a button that reads it as PyTorch's ignore_index does (the mean then equals
 * `loss-lens --ignore-index -100`, and a CodeLens says so and undoes it); and on a file above
 * lossLens.extraPasses.autoMaxMillionScores the temperature is offered, not run, until asked.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { extensionLogReport, openWorkbench, sharedServer, THEMES, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

function cliJson(...args: string[]): { value: number; ignored: number; diagnostics?: { results: { temperature: { temperature: number } } } } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args, '--json', '--no-progress'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('ignore label -100, and diagnostics offered on a large file, in code-server', function () {
  let server: E2EServer;
  let wb: Workbench;

  before(async function () {
    server = await sharedServer();
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
    server?.setSettings({});
  });

  const view = () => wb.visibleWebview();
  const lenses = () => wb.page.locator('.monaco-editor .codelens-decoration').allInnerTexts();

  it('refuses the -100 rows with an "Ignore label -100" button; the mean is then the CLI\'s, and a CodeLens undoes it (dark)', async function () {
    const expected = cliJson('samples/ner_tokens.csv', '--ignore-index', '-100');
    await wb.setTheme('dark');
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile('ner_tokens.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    const button = view().locator('[data-testid="ignore-label"]');
    await button.waitFor({ state: 'visible', timeout: 60_000 });
    // Twenty rows of one fault: one item, its places (each a link to its line), then the message.
    const item = view().locator('[data-testid="problems"] li').first();
    assert.equal(await item.getAttribute('data-count'), '20');
    assert.deepEqual((await item.locator('.loc').allInnerTexts()).slice(0, 3), ['3:10', '8:10', '11:9']);
    assert.match(await item.locator('.message').innerText(), /^label -100 is not a class index \(0 to 4\); if -100 marks rows to leave out \(PyTorch's ignore_index\), read with Ignore Label -100/);
    await wb.parkMouse();
    await wb.screenshot('ignore-label-refused-dark');
    await button.click();
    const mean = view().locator('[data-testid="mean-loss"]');
    await mean.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(Number(await mean.getAttribute('data-value')), expected.value);
    assert.equal(expected.ignored, 143);
    await wb.screenshot('ignore-label-read-dark');
    // The file's editor: the lens states the choice (and its count) and undoes it.
    await wb.runCommand('View: Focus First Editor Group');
    let texts: string[] = [];
    for (let i = 0; i < 40 && !texts.some((t) => t.includes('Stop ignoring label -100')); i++) {
      await wb.page.waitForTimeout(500);
      texts = await lenses();
    }
    assert.ok(texts.some((t) => /over 207 samples \(preset classic\) · 143 labelled -100 ignored/.test(t)), texts.join(' | '));
    await wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Stop ignoring label -100' }).click();
    for (let i = 0; i < 40 && texts.some((t) => t.includes('Stop ignoring')); i++) {
      await wb.page.waitForTimeout(500);
      texts = await lenses();
    }
    assert.ok(!texts.some((t) => t.includes('ignored')), texts.join(' | '));
  });

  it('offers the temperature on a file above the setting, fits it on a click, equal to the CLI (light)', async function () {
    const expected = cliJson('samples/overconfident_logits.csv', '--temperature').diagnostics!.results.temperature;
    // code-server reads a settings.json changed behind its back on a reload.
    server.setSettings({ 'workbench.colorTheme': THEMES.light, 'lossLens.extraPasses.autoMaxMillionScores': 0 });
    await wb.reload();
    await wb.runCommand('View: Close All Editor Groups');
    await wb.openFile('overconfident_logits.csv');
    await wb.runCommand('Loss Lens: Open Dashboard');
    const fit = view().locator('[data-testid="temperature-run"]');
    await fit.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await view().locator('[data-testid="temperature-offered"] p').innerText(), /^Not worked out by itself on a file of 2,000 scores: fitting it takes up to four more passes over the rows\.$/);
    assert.ok(await view().locator('[data-testid="labelIssues-run"]').isVisible());
    await view().locator('#temperature').scrollIntoViewIfNeeded();
    await wb.parkMouse();
    await wb.screenshot('diagnostics-offered-light');
    await fit.click();
    const t = view().locator('[data-testid="temperature-t"]');
    await t.waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(Number(await t.getAttribute('data-value')), expected.temperature);
    // Only what was asked for ran: the label-error search still waits for its button.
    assert.ok(await view().locator('[data-testid="labelIssues-run"]').isVisible());
    await view().locator('#temperature').scrollIntoViewIfNeeded();
    await wb.parkMouse();
    await wb.screenshot('diagnostics-asked-light');
  });

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
