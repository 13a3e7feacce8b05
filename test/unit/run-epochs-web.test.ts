/**
 * A run held in one file (an `epoch` or `step` column) in the browser build: the Web Worker's run
 * job (web/job.ts, core/run/epochs.ts over the bytes the host sends) gives what the desktop's file
 * worker gives (node/run-job.ts) and `loss-lens run FILE --json`'s report, on the committed
 * one-file fixtures; a file with no such column is still refused as one file. And a live run's
 * files read by the Web Worker with leaveOut: one that cannot be read, or of another layout, is left
 * out and said (line and column), the run the others' as read without it.
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
import { AnalysisError } from '../../src/core/analyze';
import { errorOf } from '../../src/shared/failure';

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

describe('run view, browser build: a live run leaves out a file that cannot be read', () => {
  it('a row cut short and another layout: left out, said with line and column; the rest as without them', async () => {
    const text = (n: string) => readFileSync(join('test/fixtures/run/order', n), 'utf8');
    const lines = text('epoch_5.csv').split('\n');
    const cut = lines[6]!.split(',').slice(0, 3).join(',');
    lines[6] = cut;
    const contents: Record<string, string> = {
      'epoch_1.csv': text('epoch_1.csv'),
      'epoch_2.csv': text('epoch_2.csv'),
      'epoch_3.csv': text('epoch_3.csv'),
      'epoch_7.csv': lines.join('\n'),
      'epoch_8.csv': text('epoch_6.csv').replace('label,cat,dog,bird,fish', 'label,a,b,c,d'),
    };
    const sourcesOf = (names: string[]) => names.map((n) => ({ path: `vscode-remote://x/w/epochs/${n}`, name: `epochs/${n}` }));
    const files: WebFiles = {};
    for (const [n, t] of Object.entries(contents)) files[`vscode-remote://x/w/epochs/${n}`] = new TextEncoder().encode(t).buffer;
    const job = (names: string[], leaveOut: boolean) => runWebJob({ op: 'run', sources: sourcesOf(names), request, top: 200, incremental: { cached: [], leaveOut } }, files, new AbortController().signal, () => undefined);
    const { result } = await job(Object.keys(contents), true);
    assert.ok(result.op === 'run');
    assert.deepEqual(result.leftOut?.map((l) => l.name), ['epochs/epoch_7.csv', 'epochs/epoch_8.csv']);
    const bad = errorOf(result.leftOut![0]!.failure);
    assert.ok(bad instanceof AnalysisError);
    assert.deepEqual([bad.problems[0]!.line, bad.problems[0]!.column, bad.problems[0]!.message], [7, cut.length + 1, 'expected 5 fields (as in the header), found 3']);
    assert.match(errorOf(result.leftOut![1]!.failure).message, /^epochs\/epoch_8\.csv: its layout differs from that of epochs\/epoch_1\.csv/);
    const without = await job(['epoch_1.csv', 'epoch_2.csv', 'epoch_3.csv'], false);
    assert.ok(without.result.op === 'run');
    assert.deepEqual(result.run, without.result.run);
    // Without leaveOut (a run opened), the first bad file fails the run.
    await assert.rejects(job(Object.keys(contents), false), (err: unknown) => err instanceof AnalysisError && err.file === 'epochs/epoch_7.csv');
  });
});
