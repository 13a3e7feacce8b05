import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { appendHistory, dashboardHtml, HISTORY_LENGTH } from '../../src/extension/dashboard/model';

describe('dashboard host (pure parts)', () => {
  const html = dashboardHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce: 'abc+/=',
    scriptUri: 'https://x.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://x.vscode-cdn.net/ext/media/dashboard.css',
    katexStyleUri: 'https://x.vscode-cdn.net/ext/dist/katex/katex.min.css',
    title: 'Loss: <digits>.csv',
  });

  it('declares the strict CSP: nonce scripts, styles, images and fonts from the extension only', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(
      csp,
      "default-src 'none'; style-src https://x.vscode-cdn.net; script-src 'nonce-abc+/='; img-src https://x.vscode-cdn.net data:; font-src https://x.vscode-cdn.net",
    );
  });

  it('loads exactly one script, with the nonce, and no inline script or style', () => {
    assert.deepEqual([...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]), [' nonce="abc+/=" src="https://x.vscode-cdn.net/ext/dist/webview.js"']);
    assert.ok(!/<style|style=/.test(html));
    // KaTeX's stylesheet first, so the dashboard's own rules (colours) win over it.
    assert.deepEqual([...html.matchAll(/<link rel="stylesheet" href="([^"]*)">/g)].map((m) => m[1]), [
      'https://x.vscode-cdn.net/ext/dist/katex/katex.min.css',
      'https://x.vscode-cdn.net/ext/media/dashboard.css',
    ]);
    assert.ok(html.includes('<title>Loss: &lt;digits>.csv</title>'));
  });

  it('uses a nonce from crypto, never Math.random', () => {
    const panel = readFileSync('src/extension/dashboard/panel.ts', 'utf8');
    assert.match(panel, /crypto\.getRandomValues\(new Uint8Array\(16\)\)/);
    assert.ok(!panel.includes('Math.random'));
  });

  it('keeps the last reloads for the sparkline, oldest first', () => {
    let h: { time: number; mean: number }[] = [];
    for (let i = 0; i < HISTORY_LENGTH + 5; i++) h = appendHistory(h, i / 10, 1000 + i);
    assert.equal(h.length, HISTORY_LENGTH);
    assert.deepEqual(h[0], { time: 1005, mean: 0.5 });
    assert.deepEqual(h.at(-1), { time: 1000 + HISTORY_LENGTH + 4, mean: (HISTORY_LENGTH + 4) / 10 });
  });
});
