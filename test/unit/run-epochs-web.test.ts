/**
 * A run held in one file (an `epoch` or `step` column) in the browser build: the Web Worker's run
 * job (web/job.ts, core/run/epochs.ts over the bytes the host sends) gives what the desktop's file
 * worker gives (node/run-job.ts) and `loss-lens run FILE --json`'s report, on the committed
 * one-file fixtures; a file with no such column is still refused as one file.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../src/core/run';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { runJob } from '../../src/node/run-job';
import { runWebJob, type WebFiles } from '../../src/web/job';

const request = requestFor(DEFAULT_CONFIG, {});
const DIR = 'test/fixtures/run/one_file';

describe('run view, browser build: one file holding every epoch', () => {
  for (const file of ['log.jsonl', 'steps.csv']) {
    it(`${file}: the desktop's run and the CLI's report`, async () => {
      const path = `vscode-remote://x/w/${file}`;
      const name = join(DIR, file);
      const files: WebFiles = { [path]: new Uint8Array(readFileSync(join(DIR, file))).buffer };
      const progress: (number | null)[] = [];
      const { result } = await runWebJob({ op: 'run', sources: [{ path, name }], request, top: 200 }, files, new AbortController().signal, (f) => progress.push(f));
      assert.equal(result.op, 'run');
      if (result.op !== 'run') return;
      const web = result.run;
      const desktop = await runJob([{ path: join(DIR, file), name }], request, 200, new AbortController().signal, () => undefined);
      assert.deepEqual(web.report, desktop.report);
      assert.deepEqual([web.confidence, web.variability, web.region, web.lines], [desktop.confidence, desktop.variability, desktop.region, desktop.lines]);
      assert.equal(web.report.files.length, 10);
      assert.match(web.report.order, /^Epochs are the values of the column "(epoch|step)" of /);
      const r = spawnSync(process.execPath, ['dist/cli.js', 'run', name, '--json', '--top', '200', '--no-progress'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(web.report, JSON.parse(r.stdout) as RunReport);
      assert.deepEqual(progress, [1]);
    });
  }

  it('one file without an epoch column: refused as a run of one file', async () => {
    const path = 'vscode-remote://x/w/epoch_1.csv';
    const files: WebFiles = { [path]: new Uint8Array(readFileSync('test/fixtures/run/order/epoch_1.csv')).buffer };
    await assert.rejects(runWebJob({ op: 'run', sources: [{ path, name: 'epoch_1.csv' }], request, top: 200 }, files, new AbortController().signal, () => undefined), /a run is two files or more over the same samples; only epoch_1\.csv was/);
  });
});
