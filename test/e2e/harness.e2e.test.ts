import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT, expectWebviewNotBlank, extensionLogReport, openWorkbench, sharedServer, type Workbench } from './harness';
import { CHROMIUM } from './harness/workbench';

// The harness must be able to fail: each helper is checked on a case it has to reject and on a
// real VS Code surface it has to read (built-in extensions stand in until Loss Lens has its own).
describe('the e2e harness itself', function () {
  describe('expectWebviewNotBlank on plain pages', function () {
    let browser: Browser;
    before(async function () {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    });
    after(async function () {
      await browser?.close();
    });

    it('rejects an empty document and accepts a rendered one', async function () {
      const page = await browser.newPage();
      await page.setContent('<iframe id="blank" srcdoc="<body></body>"></iframe><iframe id="full" srcdoc="<body><h1>Loss</h1><table><tr><td>BCE</td><td>0.4159</td></tr><tr><td>mean</td><td>0.2080</td></tr></table></body>"></iframe>');
      await assert.rejects(expectWebviewNotBlank(page.frameLocator('#blank'), { timeout: 1000 }), /looks blank/);
      const seen = await expectWebviewNotBlank(page.frameLocator('#full'), { minTextChars: 10, minElements: 4, timeout: 2000 });
      assert.match(seen.text, /0\.4159/);
    });
  });

  describe('in code-server', function () {
    let wb: Workbench;
    before(async function () {
      wb = await openWorkbench(await sharedServer(), { folder: join(REPO_ROOT, 'test', 'e2e', 'harness-workspace') });
    });
    after(async function () {
      await wb?.close();
    });

    it('reads a real webview (the Markdown preview) through the nested iframes', async function () {
      await wb.openFile('preview.md');
      await wb.runCommand('Markdown: Open Preview');
      const seen = await expectWebviewNotBlank(wb.webview());
      assert.match(seen.text, /rendered by the built-in Markdown preview/);
      await wb.screenshot('harness-markdown-preview');
    });

    it('reads a hover at a line and column', async function () {
      await wb.openFile('hover.js');
      const text = await wb.hoverAt(2, 8);
      assert.match(text, /const answer: 42/);
      await wb.screenshot('harness-hover');
    });

    it('reads the Problems panel', async function () {
      await wb.openFile('broken.json');
      let problems = await wb.problems();
      for (let i = 0; i < 20 && problems.length === 0; i++) {
        await wb.page.waitForTimeout(500);
        problems = await wb.problems();
      }
      assert.ok(problems.length > 0, 'no problem reported for broken.json');
      assert.ok(problems.every((p) => p.file === 'broken.json'), JSON.stringify(problems));
      assert.deepEqual(problems.filter((p) => p.line === 3), [
        { severity: 'error', message: 'Value expected', source: 'json', file: 'broken.json', line: 3, column: 12 },
      ]);
      await wb.screenshot('harness-problems');
    });
  });

  it('finds an activation failure in an extension-host log', function () {
    const log = [
      "2026-11-23 09:33:04.931 [info] ExtensionService#_doActivateExtension loss-lens.loss-lens, startup: false, activationEvent: 'onCommand:lossLens.computeLoss'",
      '2026-11-23 09:33:04.950 [error] Activating extension loss-lens.loss-lens failed due to an error:',
      '2026-11-23 09:33:04.950 [error] TypeError: boom',
      '    at activate (/tmp/x/extensions/loss-lens.loss-lens-0.1.0/dist/extension.js:1:10)',
      '2026-11-23 09:33:05.000 [error] Activating extension vscode.other failed due to an error:',
    ].join('\n');
    const report = extensionLogReport([log], 'loss-lens.loss-lens');
    assert.equal(report.activations.length, 1);
    assert.equal(report.errors.length, 2);
    assert.match(report.errors[1] ?? '', /TypeError: boom\n\s+at activate/);
  });
});
