// The dashboard's render time and size at 1000 classes: bundles a webview (this tree's, or
// another tree's for an A/B run: `git archive <commit> src media | tar -x -C /tmp/before`), loads
// it in Chromium with the CLI's --json report of scripts/lib/many-classes.mjs's file, posts the
// `data` message again and again, and prints the median time to build the DOM and lay it out,
// the time to the next frame, and the number of elements and nodes under the root.
//
//   npm run build && node scripts/bench/dashboard-render.mjs [treeA] [treeB ...]
// Figures, not assertions. Trees are measured in turn within each round (the machine's speed drifts).
/* global document, MessageEvent, NodeFilter, performance, requestAnimationFrame, window -- in page.evaluate, run by Chromium */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { manyClassesCsv } from '../lib/many-classes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const trees = process.argv.length > 2 ? process.argv.slice(2).map((t) => resolve(t)) : [root];
const rounds = Number(process.env.BENCH_RUNS ?? 7);
const work = mkdtempSync(join(tmpdir(), 'll-render-'));

const csv = join(work, 'many_classes.csv');
writeFileSync(csv, manyClassesCsv().text);
const json = execFileSync('node', [join(root, 'dist', 'cli.js'), csv, '--json', '--no-progress'], { encoding: 'utf8', maxBuffer: 1 << 28 });
console.log(`report: ${(json.length / 1e6).toFixed(2)} MB of JSON for ${JSON.parse(json).perClass.length} classes`);
// As the extension posts it: the CLI's JSON writes NaN as null and Infinity as a string.
const NAN_KEYS = new Set(['meanConfidence', 'accuracy', 'meanTrueProb', 'precision', 'recall', 'f1', 'ece', 'mce', 'meanLoss', 'trueProb', 'mean', 'perplexity']);
const report = JSON.parse(json, (k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === null && NAN_KEYS.has(k) ? NaN : v));
const data = { report, whatIf: { preset: report.preset, labelSmoothing: 0, classWeights: [], posWeight: null, focalGamma: null, focalAlpha: null, input: null, kind: null }, label: 'many_classes.csv', uri: `file://${csv}`, elapsedMs: 1, history: [] };

const pages = trees.map((tree, i) => {
  const dir = join(work, `tree-${i}`);
  mkdirSync(dir);
  esbuild.buildSync({ entryPoints: [join(tree, 'src', 'webview', 'main.ts')], bundle: true, format: 'iife', platform: 'browser', outfile: join(dir, 'webview.js'), nodePaths: [join(root, 'node_modules')], logLevel: 'warning' });
  writeFileSync(join(dir, 'dashboard.css'), readFileSync(join(tree, 'media', 'dashboard.css')));
  writeFileSync(join(dir, 'api.js'), 'let state; window.acquireVsCodeApi = () => ({ postMessage() {}, getState: () => state, setState: (s) => { state = s; } });');
  writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="dashboard.css"></head><body class="vscode-dark"><div id="root"></div><script src="api.js"></script><script src="webview.js"></script></body></html>');
  return { tree, url: `file://${join(dir, 'index.html')}` };
});

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = pages.map(() => ({ build: [], frame: [], elements: 0, nodes: 0 }));
try {
  const opened = [];
  for (const p of pages) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(p.url);
    opened.push(page);
  }
  for (let r = 0; r < rounds; r++) {
    for (const [i, page] of opened.entries()) {
      const m = await page.evaluate(async (d) => {
        const t0 = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'data', data: d } }));
        void document.body.offsetHeight; // layout
        const t1 = performance.now();
        await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
        const t2 = performance.now();
        const rootEl = document.getElementById('root');
        let nodes = 0;
        const walk = document.createTreeWalker(rootEl, NodeFilter.SHOW_ALL);
        while (walk.nextNode()) nodes++;
        return { build: t1 - t0, frame: t2 - t0, elements: rootEl.querySelectorAll('*').length, nodes };
      }, data);
      // The first round warms the JIT.
      if (r > 0) {
        results[i].build.push(m.build);
        results[i].frame.push(m.frame);
      }
      results[i].elements = m.elements;
      results[i].nodes = m.nodes;
    }
  }
} finally {
  await browser.close();
}
for (const [i, p] of pages.entries()) {
  const x = results[i];
  console.log(`${p.tree}: DOM + layout ${median(x.build).toFixed(0)} ms, to the next frame ${median(x.frame).toFixed(0)} ms (medians of ${x.build.length}); ${x.elements} elements, ${x.nodes} nodes`);
}
