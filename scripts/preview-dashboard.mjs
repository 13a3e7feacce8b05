// Renders the dashboard webview outside VS Code and screenshots it, to look at the UI while
// developing it: bundles src/webview/main.ts, serves it in a page that defines VS Code's Dark
// Modern / Light Modern / High Contrast theme variables and a fake acquireVsCodeApi, posts a
// `data` message built from the CLI's --json report, and writes PNGs.
//
//   npm run build && node scripts/preview-dashboard.mjs samples/digits.csv [out-dir]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const file = process.argv[2] ?? 'samples/digits.csv';
const out = resolve(process.argv[3] ?? '/tmp/loss-lens-preview');
const view = process.env.VIEW ?? 'data';
mkdirSync(out, { recursive: true });

await esbuild.build({ entryPoints: ['src/webview/main.ts'], bundle: true, format: 'iife', platform: 'browser', outfile: join(out, 'webview.js'), logLevel: 'warning' });
writeFileSync(join(out, 'dashboard.css'), readFileSync('media/dashboard.css'));

// The CLI's JSON writes Infinity as a string; postMessage would carry the number.
// Its null stands for NaN in numeric fields only (options keep null for "unset").
const NAN_KEYS = new Set(['meanConfidence', 'accuracy', 'meanTrueProb', 'precision', 'recall', 'f1', 'ece', 'mce', 'meanLoss', 'trueProb', 'mean', 'perplexity']);
const revive = (k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === null && NAN_KEYS.has(k) ? NaN : v);
const reportOf = (f, extra = []) => JSON.parse(execFileSync('node', ['dist/cli.js', f, '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 28 }), revive);
const report = reportOf(file);
const whatIf = { preset: report.preset, labelSmoothing: 0, classWeights: [], posWeight: null, focalGamma: null, focalAlpha: null, input: null, kind: null };
const now = Date.now();
const data = {
  report, whatIf, label: basename(file), uri: `file://${resolve(file)}`, elapsedMs: 42,
  history: [0.41, 0.36, 0.33, 0.31, 0.29, report.mean].map((mean, i) => ({ time: now - (5 - i) * 60000, mean })),
};
let message = { type: 'data', data };
if (view === 'comparison') {
  const other = reportOf(file, ['--preset', 'pytorch', '--label-smoothing', '0.1']);
  message = { type: 'comparison', comparison: { base: data, other: { ...data, report: other, label: 'smoothed' }, changed: report.worst.slice(0, 8).map((w) => ({ row: w.row, line: w.line, before: w.loss, after: w.loss * 0.6 })) } };
} else if (view === 'error') {
  message = { type: 'error', label: 'broken.csv', message: 'The file has 3 problems.', errorCount: 3, problems: [{ line: 4, column: 12, message: 'not a number: "abc"' }, { line: 9, column: null, message: '11 fields, expected 12' }] };
} else if (view === 'loading') {
  message = { type: 'loading', label: 'big.csv', fraction: 0.37 };
}

const themes = {
  dark: {
    'editor-background': '#1f1f1f', foreground: '#cccccc', 'panel-border': '#2b2b2b', descriptionForeground: '#9d9d9d',
    'editorWidget-background': '#202020', 'widget-border': '#313131', focusBorder: '#0078d4', 'button-background': '#0078d4',
    'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc', 'input-background': '#313131', 'input-border': '#3c3c3c', 'input-foreground': '#cccccc',
    'dropdown-background': '#313131', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#cccccc', 'badge-background': '#616161',
    'badge-foreground': '#f8f8f8', 'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185',
    'charts-orange': '#d18616', 'list-hoverBackground': '#2a2d2e', 'list-focusBackground': '#04395e', errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700', 'editorWidget-border': '#313131',
  },
  light: {
    'editor-background': '#ffffff', foreground: '#3b3b3b', 'panel-border': '#e5e5e5', descriptionForeground: '#3b3b3b',
    'editorWidget-background': '#f8f8f8', 'widget-border': '#e5e5e5', focusBorder: '#005fb8', 'button-background': '#005fb8',
    'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b', 'input-background': '#ffffff', 'input-border': '#cecece', 'input-foreground': '#3b3b3b',
    'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#3b3b3b', 'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b', 'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-green': '#388a34',
    'charts-orange': '#d18616', 'list-hoverBackground': '#f2f2f2', 'list-focusBackground': '#e8e8e8', errorForeground: '#f85149',
    'editorWarning-foreground': '#bf8803', 'editorWidget-border': '#e5e5e5',
  },
  hc: {
    'editor-background': '#000000', foreground: '#ffffff', 'panel-border': '#6fc3df', descriptionForeground: '#ffffff',
    'editorWidget-background': '#0c141f', contrastBorder: '#6fc3df', focusBorder: '#f38518', 'button-background': '#000000',
    'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'input-background': '#000000', 'input-border': '#6fc3df',
    'input-foreground': '#ffffff', 'dropdown-background': '#000000', 'dropdown-border': '#6fc3df', 'badge-background': '#000000',
    'badge-foreground': '#ffffff', 'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185',
    'charts-orange': '#d18616', errorForeground: '#f48771',
  },
};
const font = '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const [name, vars] of Object.entries(themes)) {
    const css = Object.entries(vars).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
    writeFileSync(join(out, `theme-${name}.css`), `html { ${css} --vscode-font-family: ${font}; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; }`);
    // The same CSP as the extension's page (no inline styles, scripts by nonce only), so a
    // violation shows up here as a console error.
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src file:; script-src 'nonce-preview'; img-src file: data:">
<link rel="stylesheet" href="theme-${name}.css"><link rel="stylesheet" href="dashboard.css"></head>
<body class="vscode-${name}"><div id="root"></div>
<script nonce="preview" src="fake-api.js"></script>
<script nonce="preview" src="webview.js"></script>
<script nonce="preview" src="message.js"></script>
</body></html>`;
    writeFileSync(join(out, 'fake-api.js'), `window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });
document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`);
    writeFileSync(join(out, `${name}.html`), page);
    // JSON has no NaN / Infinity: written as tokens, then swapped for the JavaScript literals.
    const literal = JSON.stringify(message, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `__${v}__` : v))
      .replace(/"__(NaN|Infinity|-Infinity)__"/g, '$1');
    writeFileSync(join(out, 'message.js'), `window.postMessage(${literal}, '*');`);
    const p = await browser.newPage({ viewport: { width: Number(process.env.WIDTH ?? 1100), height: 900 } });
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await p.goto(`file://${join(out, `${name}.html`)}`);
    await p.waitForTimeout(300);
    const png = join(out, `${basename(file).replace(/\W/g, '_')}-${view}-${name}.png`);
    await p.screenshot({ path: png, fullPage: true });
    console.log(png, errors.length ? `errors: ${errors.join('; ')}` : '');
    await p.close();
  }
} finally {
  await browser.close();
}
