import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import * as esbuild from 'esbuild';
import { webTargets } from '../../scripts/web-targets.mjs';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import type { FileWorkerMessage } from '../../src/node/file-worker';
import type { WebWorkerRequest } from '../../src/web/job';

/** The browser bundles as the build writes them, in memory, with what went into each. */
async function bundle(entry: string): Promise<{ code: string; inputs: string[] }> {
  const target = webTargets.find((t) => (t.entryPoints as string[])[0] === entry);
  assert.ok(target, entry);
  const r = await esbuild.build({ ...target, bundle: true, write: false, metafile: true, logLevel: 'silent' });
  return { code: r.outputFiles?.[0]?.text ?? '', inputs: Object.keys(r.metafile?.inputs ?? {}) };
}

describe('browser build (package.json "browser")', function () {
  this.timeout(20000);

  it('bundles the web extension and its worker from nothing that needs Node', async () => {
    for (const entry of ['src/web/extension.ts', 'src/web/worker.ts']) {
      const { inputs } = await bundle(entry);
      assert.deepEqual(inputs.filter((i) => i.startsWith('node:') || /^(fs|path|os|crypto|worker_threads|zlib)$/.test(i)), [], entry);
      assert.ok(inputs.includes(entry));
    }
    const ext = await bundle('src/web/extension.ts');
    assert.ok(!ext.inputs.some((i) => i.includes('src/node/analyze-in-worker') || i.includes('src/node/file-source')), 'the Node runner stays out of the web bundle');
  });

  it('the worker bundle, run in a bare global scope, answers a job with the same mean as the desktop', async () => {
    const { code } = await bundle('src/web/worker.ts');
    const posted: FileWorkerMessage[] = [];
    // Only what a dedicated worker's scope offers: no require, no process, no Buffer.
    const scope: Record<string, unknown> = {
      postMessage: (m: FileWorkerMessage) => posted.push(structuredClone(m)),
      TextDecoder, Blob, Response, DecompressionStream, AbortController, setTimeout, clearTimeout, queueMicrotask, console,
    };
    scope.globalThis = scope;
    runInNewContext(code, scope);
    const onmessage = scope.onmessage as (e: { data: WebWorkerRequest }) => void;
    assert.equal(typeof onmessage, 'function');
    const bytes = readFileSync('test/fixtures/data/digits_logreg.csv');
    const request = requestFor({ ...DEFAULT_CONFIG, defaultPreset: 'classic' }, {});
    const reference = JSON.parse(readFileSync('test/fixtures/data/reference.json', 'utf8'))['digits_logreg.csv'];
    onmessage({ data: { type: 'job', job: { op: 'analyze', file: { path: 'd', name: 'digits_logreg.csv', request } }, files: { d: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } } });
    for (let i = 0; i < 200 && !posted.some((m) => m.type !== 'progress'); i++) await new Promise((r) => setTimeout(r, 10));
    const last = posted.at(-1);
    assert.ok(last?.type === 'done' && last.result.op === 'analyze', JSON.stringify(last).slice(0, 300));
    // scikit-learn's log_loss on the same predictions (test/fixtures/data/reference.json).
    assert.equal(last.result.analysis.breakdown.count, reference.count);
    assert.ok(Math.abs(last.result.analysis.breakdown.mean - reference.mean_classic) < 1e-9, String(last.result.analysis.breakdown.mean));
  });
});
