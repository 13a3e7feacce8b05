// Bundles every entry point with esbuild; type-checking is `tsc --noEmit` (npm run typecheck).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { webTargets } from './web-targets.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import.meta.url for the ES modules bundled in (tinyglobby's fdir calls createRequire with it).
    banner: { js: '#!/usr/bin/env node\nconst __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { LOSS_LENS_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__importMetaUrl' },
  },
  {
    // One worker thread's share of a file, started by the CLI and the extension host.
    entryPoints: ['src/node/analysis-worker.ts'],
    outfile: 'dist/worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The extension's own worker thread: every read of a file runs there, off the extension host.
    entryPoints: ['src/node/file-worker.ts'],
    outfile: 'dist/file-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The dashboard, loaded by the webview under a strict CSP (no eval anywhere in the bundle).
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    // The run view (Open Run...: files over the same samples), under the same CSP.
    entryPoints: ['src/webview/run/main.ts'],
    outfile: 'dist/run.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    // The read-only preview of binary files (src/extension/preview), under the same CSP.
    entryPoints: ['src/webview/preview/main.ts'],
    outfile: 'dist/preview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  ...webTargets,
];

/**
 * KaTeX's stylesheet and fonts for the dashboard's derivation panel, shipped in dist/katex/ (the
 * webview loads nothing from the network). Only the woff2 fonts: every webview engine reads them,
 * so the CSS's woff/ttf fallbacks are dropped rather than shipped.
 */
function copyKatex() {
  const from = new URL('../node_modules/katex/dist/', import.meta.url);
  const to = new URL('../dist/katex/', import.meta.url);
  mkdirSync(new URL('fonts/', to), { recursive: true });
  const css = readFileSync(new URL('katex.min.css', from), 'utf8').replace(/,url\(fonts\/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, '');
  writeFileSync(new URL('katex.min.css', to), css);
  for (const f of readdirSync(new URL('fonts/', from)).filter((n) => n.endsWith('.woff2'))) copyFileSync(new URL(`fonts/${f}`, from), new URL(`fonts/${f}`, to));
}
copyKatex();

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context({ ...common, ...t })));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(targets.map((t) => esbuild.build({ ...common, ...t })));
}
