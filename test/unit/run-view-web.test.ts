/**
 * Open Run... in the browser build: the Web Worker's run job (src/web/job.ts, files read one after
 * the other from the bytes the host sends) gives what the desktop's file worker gives (readRun's
 * threads), and so `loss-lens run --json`'s report, on the committed 10-epoch fixtures.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunReport } from '../../src/core/run';
import { naturalCompare } from '../../src/core/shards';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { runJob } from '../../src/node/run-job';
import { filesOf, runWebJob, type WebFiles } from '../../src/web/job';

const request = requestFor(DEFAULT_CONFIG, {});
const unnamed = (r: RunReport) => ({ ...r, files: r.files.map(({ name: _name, ...f }) => f) });

for (const folder of ['order', 'id']) {
  describe(`run view, browser build: the Web Worker's run job (${folder})`, () => {
    const dir = join('test/fixtures/run', folder);
    const names = readdirSync(dir).sort(naturalCompare);
    const sources = names.map((n) => ({ path: `vscode-remote://x/w/${folder}/${n}`, name: `${folder}/${n}` }));
    const files: WebFiles = {};
    for (const [i, n] of names.entries()) files[sources[i]!.path] = new Uint8Array(readFileSync(join(dir, n))).buffer;

    it('the host sends every file of the run', () => {
      assert.deepEqual([...filesOf({ op: 'run', sources, request, top: 200 }).keys()], sources.map((s) => s.path));
    });

    it('gives the desktop\'s run, and the CLI\'s report', async () => {
      const progress: number[] = [];
      const { result } = await runWebJob({ op: 'run', sources, request, top: 200 }, files, new AbortController().signal, (f) => progress.push(f ?? NaN));
      assert.equal(result.op, 'run');
      if (result.op !== 'run') return;
      const web = result.run;
      const desktop = await runJob([{ path: dir, name: folder }], request, 200, new AbortController().signal, () => undefined, { threads: 2, workerScript: resolve('dist/worker.js') });
      assert.deepEqual(web.report, desktop.report);
      assert.deepEqual(web.confidence, desktop.confidence);
      assert.deepEqual(web.variability, desktop.variability);
      assert.deepEqual(web.region, desktop.region);
      assert.deepEqual(web.lines, desktop.lines);
      const r = spawnSync(process.execPath, ['dist/cli.js', 'run', dir, '--json', '--top', '200', '--no-progress'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(unnamed(web.report), unnamed(JSON.parse(r.stdout) as RunReport));
      assert.deepEqual(progress, names.map((_, i) => (i + 1) / names.length));
    });
  });
}

describe('run view, browser build: refusals', () => {
  it('one file is no run: refused, naming it', async () => {
    const path = 'vscode-remote://x/w/a.csv';
    await assert.rejects(runWebJob({ op: 'run', sources: [{ path, name: 'a.csv' }], request, top: 10 }, { [path]: new TextEncoder().encode('label,p0,p1\n0,0.9,0.1\n').buffer }, new AbortController().signal, () => undefined), /a run is two files or more over the same samples; only a\.csv was/);
  });
});
