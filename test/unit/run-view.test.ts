/**
 * The run view (Open Run...): its data as the file worker's run job and the host make it, against
 * `loss-lens run --json` (and --per-sample) on the committed 10-epoch fixtures (NumPy-made, see
 * scripts/fixtures/gen_run.py); then the page in happy-dom: the charts' points, the matching said,
 * the class selector, the paged lists, and a click on the map asking for the nearest sample.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Window } from 'happy-dom';
import type { RunReport } from '../../src/core/run';
import { REGIONS } from '../../src/core/run/stats';
import { derivationSource, runViewData, sampleLine } from '../../src/extension/run/model';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { runJob, type RunJobResult } from '../../src/node/run-job';
import type { RunHostMessage, RunViewData, RunWebviewMessage } from '../../src/shared/run-protocol';
import { RunApp } from '../../src/webview/run/app';
import { accuracySeries, axisLabels, classSeries, defaultClass, labelledFiles, mapGeometry, mapPoint, meanSeries, nearestSample, ticks, tickText } from '../../src/webview/run/model';

const DIR = 'test/fixtures/run';
const workerScript = resolve('dist/worker.js');
const request = requestFor(DEFAULT_CONFIG, {});

function cli(...args: string[]): string {
  assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is missing: run node scripts/build.mjs');
  const r = spawnSync(process.execPath, ['dist/cli.js', 'run', ...args, '--no-progress'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The report without the files' names (the CLI names them by its arguments, the editor by workspace paths). */
const unnamed = (r: RunReport) => ({ ...r, files: r.files.map(({ name: _name, ...f }) => f) });

const jobs = new Map<string, Promise<RunJobResult>>();
function job(folder: string, threads = 2): Promise<RunJobResult> {
  const key = `${folder}:${threads}`;
  let j = jobs.get(key);
  if (!j) {
    j = runJob([{ path: join(DIR, folder), name: `run/${folder}` }], request, 200, new AbortController().signal, () => undefined, { threads, workerScript });
    jobs.set(key, j);
  }
  return j;
}

describe('run view: the data, as loss-lens run --json gives it', () => {
  for (const folder of ['order', 'id']) {
    it(`${folder}: the report equals the CLI's (files, lists, forgetting, cartography), the files named run/${folder}/...`, async () => {
      const run = await job(folder);
      const cliReport = JSON.parse(cli(join(DIR, folder), '--json', '--top', '200')) as RunReport;
      assert.deepEqual(unnamed(run.report), unnamed(cliReport));
      assert.deepEqual(run.report.files.map((f) => f.name), Array.from({ length: 10 }, (_, e) => `run/${folder}/epoch_${e + 1}.${folder === 'order' ? 'csv' : 'jsonl'}`));
      assert.equal(run.report.matchedBy, folder === 'order' ? 'order' : 'id');
      const data = runViewData(run, request, `run/${folder}`, [`file:///w/run/${folder}`], 5);
      assert.deepEqual(data.shortNames, Array.from({ length: 10 }, (_, e) => `epoch_${e + 1}.${folder === 'order' ? 'csv' : 'jsonl'}`));
      assert.equal(data.unit, 'nats');
    });
  }

  it('one file whose column numbers the epochs: the CLI\'s run of it, each epoch opening that file', async () => {
    const path = join(DIR, 'one_file', 'log.jsonl');
    const run = await runJob([{ path, name: 'one_file/log.jsonl' }], request, 200, new AbortController().signal, () => undefined, { threads: 1, workerScript });
    const c = JSON.parse(cli(path, '--json', '--top', '200')) as RunReport;
    // The order's sentence names the file, as the editor and the CLI name it.
    assert.deepEqual({ ...unnamed(run.report), order: run.report.order.replace('one_file/log.jsonl', path) }, unnamed(c));
    const data = runViewData(run, request, 'one_file/log.jsonl', ['file:///w/one_file/log.jsonl'], 5);
    assert.deepEqual(axisLabels(data.shortNames).labels, Array.from({ length: 10 }, (_, e) => String(e + 1)));
    // Every epoch's rows are lines of the one file: a sample's line in epoch 10 holds its id, as in epoch 1.
    const lines = readFileSync(path, 'utf8').split('\n');
    const idAt = (line: number) => (JSON.parse(lines[line - 1]!) as { id: unknown }).id;
    for (const i of [0, 150, 299]) assert.deepEqual(idAt(sampleLine(run, i, 9)!), idAt(sampleLine(run, i, 0)!));
  });

  it('the charts\' series are the CLI\'s per-file means, accuracies and per-class means', async () => {
    const r = (await job('order')).report;
    const c = JSON.parse(cli(join(DIR, 'order'), '--json')) as RunReport;
    assert.deepEqual(meanSeries(r).values, c.files.map((f) => f.mean));
    assert.deepEqual(accuracySeries(r).values, c.files.map((f) => f.accuracy));
    for (let k = 0; k < c.files[0]!.classes.length; k++) assert.deepEqual(classSeries(r, k).values, c.files.map((f) => f.classes[k]!.meanLoss));
    const [lo, hi] = meanSeries(r).domain;
    assert.ok(lo <= Math.min(...c.files.map((f) => f.mean)) && hi >= Math.max(...c.files.map((f) => f.mean)));
    const [alo, ahi] = accuracySeries(r).domain;
    assert.ok(alo >= 0 && ahi <= 1);
    // The class shown first: the one whose loss rose most, else the highest in the last file.
    const last = c.files[9]!.classes.map((x) => x.meanLoss);
    const rises = last.map((v, k) => v - c.files[0]!.classes[k]!.meanLoss);
    assert.equal(defaultClass(r), Math.max(...rises) > 0 ? rises.indexOf(Math.max(...rises)) : last.indexOf(Math.max(...last)));
    assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual([tickText(0.30000000000000004), tickText(2), tickText(0.8, true), tickText(0.07, true)], ['0.3', '2', '80%', '7%']);
  });

  it('the x axis: what differs between the names, at most so many labels, the first and last always', () => {
    assert.deepEqual(axisLabels(['epoch_1.csv', 'epoch_2.csv', 'epoch_10.csv']), { labels: ['1', '2', '10'], title: 'epoch_N.csv' });
    assert.deepEqual(axisLabels(['epoch_10.csv', 'epoch_11.csv']), { labels: ['10', '11'], title: 'epoch_N.csv' });
    assert.deepEqual(axisLabels(['checkpoint-500/preds.jsonl', 'checkpoint-1000/preds.jsonl']), { labels: ['500', '1000'], title: 'checkpoint-N/preds.jsonl' });
    assert.deepEqual(axisLabels(['a.csv', 'b.tsv']), { labels: ['a.csv', 'b.tsv'], title: 'file' });
    assert.deepEqual(axisLabels(['run.csv', 'run.csv.gz']), { labels: ['run.csv', 'run.csv.gz'], title: 'file' });
    assert.deepEqual(labelledFiles(5), [0, 1, 2, 3, 4]);
    assert.deepEqual(labelledFiles(20, 8), [0, 3, 6, 9, 12, 15, 19]);
    assert.deepEqual(labelledFiles(10, 6), [0, 2, 4, 6, 9]);
  });

  it('each sample\'s map coordinates and region are --per-sample\'s (float32), and its line in a file is the CLI\'s', async () => {
    const run = await job('order');
    const dir = mkdtempSync(join(tmpdir(), 'll-run-view-'));
    try {
      const out = join(dir, 'samples.csv');
      cli(join(DIR, 'order'), '--per-sample', out);
      const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      assert.equal(rows.length, run.report.samples);
      rows.forEach((row, i) => {
        assert.equal(run.confidence[i], Math.fround(Number(row[4])), `confidence of sample ${i + 1}`);
        assert.equal(run.variability[i], Math.fround(Number(row[5])), `variability of sample ${i + 1}`);
        assert.equal(REGIONS[run.region[i]!], row[7], `region of sample ${i + 1}`);
        assert.equal(sampleLine(run, i, 0), Number(row[3]), `line of sample ${i + 1} in the first file`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const s of run.report.rose) assert.equal(sampleLine(run, s.sample, s.to), s.line);
    for (const s of run.report.forgetting.top) assert.equal(sampleLine(run, s.sample, s.file), s.line);
    assert.equal(sampleLine(run, run.report.samples, 0), undefined);
    assert.equal(sampleLine(run, 0, 10), undefined);
  });

  it('by id (rows shuffled): a sample\'s line in any file holds its id', async () => {
    const run = await job('id', 1);
    const last = readFileSync(join(DIR, 'id', 'epoch_10.jsonl'), 'utf8').split('\n');
    const first = readFileSync(join(DIR, 'id', 'epoch_1.jsonl'), 'utf8').split('\n');
    for (const i of [0, 1, 57, 123, 299]) {
      const id = (JSON.parse(first[sampleLine(run, i, 0)! - 1]!) as { id: unknown }).id;
      assert.deepEqual((JSON.parse(last[sampleLine(run, i, 9)! - 1]!) as { id: unknown }).id, id);
    }
    // A derivation of a sample of the last file: the run's layout and options, that file's mean and N.
    const src = derivationSource(run, request, run.report.files[9]!);
    assert.equal(src.breakdown.mean, run.report.files[9]!.mean);
    assert.equal(src.breakdown.count, 300);
    assert.equal(src.options.base, 'e');
  });

  it('the map: the nearest sample to a pixel, none beyond the radius', async () => {
    const run = await job('order');
    const g = mapGeometry(run.variability, 520, 380);
    for (const i of [0, 42, 299]) {
      const [x, y] = mapPoint(g, run.confidence[i]!, run.variability[i]!);
      const hit = nearestSample(g, run.confidence, run.variability, x, y);
      // Another sample may sit on the very same pixel: then it is as near.
      const [hx, hy] = mapPoint(g, run.confidence[hit]!, run.variability[hit]!);
      assert.equal(Math.hypot(hx - x, hy - y), 0);
    }
    assert.equal(nearestSample(g, run.confidence, run.variability, -100, -100), -1);
  });
});

interface Page {
  win: Window;
  doc: Document;
  root: HTMLElement;
  posted: RunWebviewMessage[];
  send: (m: RunHostMessage) => void;
  state: () => unknown;
}

const windows: Window[] = [];
function page(): Page {
  const win = new Window({ url: 'https://webview.test/', width: 1200, height: 900 });
  windows.push(win);
  const doc = win.document as unknown as Document;
  const root = doc.createElement('div');
  root.id = 'root';
  doc.body.appendChild(root);
  const posted: RunWebviewMessage[] = [];
  let state: unknown;
  const app = new RunApp(win as unknown as globalThis.Window, { postMessage: (m) => posted.push(m), getState: () => state, setState: (s) => (state = s) }, root);
  app.start();
  return { win, doc, root, posted, send: (m) => app.handle(m), state: () => state };
}

describe('run view: the page (happy-dom)', () => {
  after(async () => {
    await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
  });

  let data: RunViewData;
  let cliReport: RunReport;
  before(async () => {
    data = runViewData(await job('order'), request, 'run/order', ['file:///w/run/order'], 1234);
    cliReport = JSON.parse(cli(join(DIR, 'order'), '--json', '--top', '200')) as RunReport;
  });

  it('says how samples were matched, and draws the CLI\'s means and accuracies, a point a file', () => {
    const p = page();
    assert.deepEqual(p.posted, [{ type: 'ready' }]);
    p.send({ type: 'run', data });
    // Kept for a window reload: the host reopens the run from them.
    assert.deepEqual(p.state(), { uris: ['file:///w/run/order'], label: 'run/order' });
    const matching = p.root.querySelector('[data-testid="run-matching"]')!;
    assert.equal(matching.getAttribute('data-by'), 'order');
    assert.match(matching.textContent ?? '', /^Matched by row order · Samples were matched by row order \(row i of every file is sample i\): no file has an id column\.$/);
    const values = (testid: string) => [...p.root.querySelectorAll(`[data-testid="${testid}"] circle.run-point`)].map((c) => Number(c.getAttribute('data-value')));
    assert.deepEqual(values('run-mean-chart'), cliReport.files.map((f) => f.mean));
    assert.deepEqual(values('run-accuracy-chart'), cliReport.files.map((f) => f.accuracy));
    assert.equal(Number(p.root.querySelector('[data-testid="run-last-mean"]')!.getAttribute('data-value')), cliReport.files[9]!.mean);
    assert.equal(Number(p.root.querySelector('[data-testid="run-forgotten-count"]')!.getAttribute('data-value')), cliReport.forgetting.forgotten);
    for (const k of ['easy', 'ambiguous', 'hard', 'other'] as const) {
      assert.equal(Number(p.root.querySelector(`[data-testid="run-region-${k}"]`)!.getAttribute('data-value')), cliReport.cartography.counts[k]);
    }
    // Ten files, labelled by what differs in their names, the axis saying what that is.
    assert.deepEqual([...p.root.querySelectorAll('[data-testid="run-mean-chart"] .run-file-label')].map((t) => t.textContent), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    assert.ok([...p.root.querySelectorAll('[data-testid="run-mean-chart"] .axis-title')].some((t) => t.textContent === 'epoch_N.csv (run order)'));
    assert.deepEqual([...p.root.querySelectorAll('[data-testid="run-accuracy-chart"] .axis text:not(.axis-title):not(.run-file-label)')].map((t) => t.textContent).filter((t) => !t?.endsWith('%')), []);
  });

  it('the class selector redraws the per-class chart with that class\'s means, and is remembered', () => {
    const p = page();
    p.send({ type: 'run', data });
    const select = p.root.querySelector('[data-testid="run-class-select"]') as HTMLSelectElement;
    assert.equal(select.options.length, cliReport.files[0]!.classes.length);
    assert.equal(Number(select.value), defaultClass(data.report));
    select.value = '2';
    select.dispatchEvent(new p.win.Event('change') as unknown as Event);
    const chart = p.root.querySelector('[data-testid="run-class-chart"]')!;
    assert.equal(chart.getAttribute('data-class'), '2');
    // The three other classes, faint behind it.
    assert.equal(chart.querySelectorAll('path.run-context').length, 3);
    assert.deepEqual([...chart.querySelectorAll('circle.run-point')].map((c) => Number(c.getAttribute('data-value'))), cliReport.files.map((f) => f.classes[2]!.meanLoss));
    // A re-render (a refresh) keeps the class chosen.
    p.send({ type: 'run', data });
    assert.equal((p.root.querySelector('[data-testid="run-class-select"]') as HTMLSelectElement).value, '2');
  });

  it('the lists: 50 rows a page, the CLI\'s order, a row asks for its sample in its file', () => {
    const p = page();
    p.send({ type: 'run', data });
    const rows = p.root.querySelectorAll('[data-testid="run-rose-row"]');
    assert.equal(rows.length, Math.min(50, cliReport.rose.length));
    assert.deepEqual([...rows].map((r) => Number(r.getAttribute('data-sample'))), cliReport.rose.slice(0, 50).map((s) => s.sample));
    if (cliReport.rose.length > 50) assert.match(p.root.querySelector('[data-testid="run-rose-table-more"]')!.textContent ?? '', /Showing 50 of/);
    (rows[0] as HTMLElement).click();
    assert.deepEqual(p.posted.at(-1), { type: 'openSample', sample: cliReport.rose[0]!.sample, file: cliReport.rose[0]!.to });
    const forgotten = p.root.querySelectorAll('[data-testid="run-forgotten-row"]');
    assert.deepEqual([...forgotten].map((r) => Number(r.getAttribute('data-line'))), cliReport.forgetting.top.slice(0, 50).map((s) => s.line));
    (forgotten[0] as HTMLElement).click();
    assert.deepEqual(p.posted.at(-1), { type: 'openSample', sample: cliReport.forgetting.top[0]!.sample, file: cliReport.forgetting.top[0]!.file });
  });

  it('a click on the map asks for the nearest sample in the file chosen (the last by default)', () => {
    const p = page();
    p.send({ type: 'run', data });
    const stage = p.root.querySelector('[data-testid="run-map"]') as HTMLElement;
    // happy-dom lays nothing out: the stage's box is its own 520 x 380 at the origin.
    stage.getBoundingClientRect = () => ({ left: 0, top: 0, width: 520, height: 380, right: 520, bottom: 380, x: 0, y: 0, toJSON: () => ({}) }) as DOMRect;
    const g = mapGeometry(data.variability, 520, 380);
    const i = 77;
    const [x, y] = mapPoint(g, data.confidence[i]!, data.variability[i]!);
    const click = (px: number, py: number) => stage.dispatchEvent(new p.win.MouseEvent('click', { clientX: px, clientY: py, bubbles: true }) as unknown as Event);
    click(x, y);
    const want = nearestSample(g, data.confidence, data.variability, x, y, 10);
    assert.deepEqual(p.posted.at(-1), { type: 'openSample', sample: want, file: 9 });
    assert.equal(stage.getAttribute('data-picked'), String(want));
    assert.match(p.root.querySelector('[data-testid="run-map-readout"]')!.textContent ?? '', new RegExp(`^Sample #${want + 1}: confidence `));
    const file = p.root.querySelector('[data-testid="run-open-file"]') as HTMLSelectElement;
    file.value = '3';
    file.dispatchEvent(new p.win.Event('change') as unknown as Event);
    click(x, y);
    assert.deepEqual(p.posted.at(-1), { type: 'openSample', sample: want, file: 3 });
  });

  it('100,000 samples: the map is one canvas, the page stays small', () => {
    const N = 100_000;
    const confidence = new Float32Array(N);
    const variability = new Float32Array(N);
    const region = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      confidence[i] = (i % 997) / 997;
      variability[i] = ((i * 7) % 499) / 1000;
      region[i] = i % 4;
    }
    const p = page();
    p.send({ type: 'run', data: { ...data, report: { ...data.report, samples: N }, confidence, variability, region } });
    assert.equal(p.root.querySelectorAll('[data-testid="run-map"] canvas').length, 1);
    const nodes = p.root.querySelectorAll('*').length;
    assert.ok(nodes < 2500, `${nodes} elements`);
  });

  it('a derivation arrives under the map; an error says what failed', () => {
    const p = page();
    p.send({ type: 'run', data });
    p.send({ type: 'derivation', sample: 3, derivation: { file: 'run/order/epoch_10.csv', row: 3, line: 5, entries: [], preamble: [], presets: null, value: 0.25, unit: 'nats' } });
    const d = p.root.querySelector('[data-testid="derivation"]')!;
    assert.equal(d.previousElementSibling?.id, 'run-map-section');
    assert.equal(d.getAttribute('data-line'), '5');
    assert.match(d.querySelector('h2')!.textContent ?? '', /line 5 of run\/order\/epoch_10\.csv/);
    p.send({ type: 'error', label: 'run/x', message: 'run/x/b.csv has 3 rows and run/x/a.csv 4' });
    assert.equal(p.root.querySelector('[data-testid="run-error-message"]')!.textContent, 'run/x/b.csv has 3 rows and run/x/a.csv 4');
  });
});
