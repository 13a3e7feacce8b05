/**
 * The run view by keyboard and while live (happy-dom): the cartography map takes focus, the arrow
 * keys move a ringed point to the next sample that way (said in the aria-live readout) and Enter
 * opens it as a click does; a live run's file left out, or a read again that failed, is said in
 * the live line with the run kept on screen.
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { Window } from 'happy-dom';
import { runViewData } from '../../src/extension/run/model';
import { requestFor } from '../../src/extension/request';
import { DEFAULT_CONFIG } from '../../src/extension/settings';
import { runJob } from '../../src/node/run-job';
import type { RunHostMessage, RunViewData, RunWebviewMessage } from '../../src/shared/run-protocol';
import { RunApp } from '../../src/webview/run/app';
import { mapGeometry, mapPoint, stepSample, type MapDirection } from '../../src/webview/run/model';

const request = requestFor(DEFAULT_CONFIG, {});

describe('run view: the map by keyboard, the live line', () => {
  const windows: Window[] = [];
  after(async () => {
    await Promise.all(windows.splice(0).map((w) => w.happyDOM.close()));
  });
  let data: RunViewData;
  before(async () => {
    const run = await runJob([{ path: 'test/fixtures/run/order', name: 'run/order' }], request, 200, new AbortController().signal, () => undefined, { threads: 1, workerScript: resolve('dist/worker.js') });
    data = runViewData(run, request, 'run/order', ['file:///w/run/order'], 1234);
  });

  function page() {
    const win = new Window({ url: 'https://webview.test/', width: 1200, height: 900 });
    windows.push(win);
    const doc = win.document as unknown as Document;
    const root = doc.createElement('div');
    doc.body.appendChild(root);
    const posted: RunWebviewMessage[] = [];
    const app = new RunApp(win as unknown as globalThis.Window, { postMessage: (m) => posted.push(m), getState: () => undefined, setState: () => undefined }, root);
    app.start();
    const send = (m: RunHostMessage) => app.handle(m);
    const key = (el: Element, k: string) => el.dispatchEvent(new win.KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }) as unknown as Event);
    return { win, root, posted, send, key };
  }

  it('stepSample: the nearest point that way, sideways offset weighing twice; none past the edge', () => {
    // Points (confidence, variability) on a 100 x 100 plot of 0.5 variability: a centre and four around it.
    const g = { width: 100, height: 100, left: 0, top: 0, plotWidth: 100, plotHeight: 100, maxVariability: 0.5 };
    const conf = Float32Array.from([0.5, 0.5, 0.5, 0.9, 0.1, 0.45]);
    const vari = Float32Array.from([0.25, 0.4, 0.05, 0.25, 0.25, 0.3]);
    // Sample 5 is 10 px right and 5 px down of 0: right of 0 (score 10 + 10) before sample 1 (30 px right, 0 sideways: 30).
    assert.equal(stepSample(g, conf, vari, 0, 'right'), 5);
    assert.equal(stepSample(g, conf, vari, 5, 'right'), 1);
    assert.equal(stepSample(g, conf, vari, 1, 'right'), -1);
    assert.equal(stepSample(g, conf, vari, 0, 'left'), 2);
    assert.equal(stepSample(g, conf, vari, 0, 'up'), 3, 'up: higher confidence');
    assert.equal(stepSample(g, conf, vari, 0, 'down'), 5);
    assert.equal(stepSample(g, conf, vari, -1, 'up'), 0, 'no point yet: the one nearest the centre');
  });

  it('on the fixture, Right from the leftmost point walks strictly rightwards to the rightmost', () => {
    const g = mapGeometry(data.variability, 520, 380);
    const x = (i: number) => mapPoint(g, data.confidence[i]!, data.variability[i]!)[0];
    let i = stepSample(g, data.confidence, data.variability, -1, 'up');
    for (let next = stepSample(g, data.confidence, data.variability, i, 'left'); next >= 0; next = stepSample(g, data.confidence, data.variability, i, 'left')) i = next;
    const steps = [i];
    for (let next = stepSample(g, data.confidence, data.variability, i, 'right'); next >= 0; next = stepSample(g, data.confidence, data.variability, i, 'right')) {
      assert.ok(x(next) > x(i) + 0.5);
      steps.push((i = next));
    }
    let max = 0;
    for (let k = 0; k < data.variability.length; k++) max = Math.max(max, x(k));
    assert.ok(x(i) > max - 0.5, `ends at the right edge (${x(i)} of ${max})`);
    assert.ok(steps.length > 5);
  });

  it('the map takes focus, arrow keys move a ringed point said in the readout, Enter opens it as a click does', () => {
    const p = page();
    p.send({ type: 'run', data });
    const stage = p.root.querySelector('[data-testid="run-map"]') as HTMLElement;
    assert.equal(stage.getAttribute('tabindex'), '0');
    assert.equal(stage.getAttribute('aria-describedby'), 'run-map-readout');
    const readout = p.root.querySelector('[data-testid="run-map-readout"]')!;
    assert.equal(readout.getAttribute('aria-live'), 'polite');
    stage.focus();
    const g = mapGeometry(data.variability, 520, 380);
    const start = stepSample(g, data.confidence, data.variability, -1, 'up');
    assert.equal(stage.getAttribute('data-picked'), String(start));
    assert.match(readout.textContent ?? '', new RegExp(`^Sample #${start + 1}: confidence \\d\\.\\d{3}, variability \\d\\.\\d{3}, (easy to learn|ambiguous|hard to learn|other)\\. Arrow keys move to the next point that way; Enter opens it in epoch_10\\.csv\\.$`));
    let at = start;
    for (const [k, dir] of [['ArrowRight', 'right'], ['ArrowUp', 'up'], ['ArrowLeft', 'left'], ['ArrowDown', 'down']] as [string, MapDirection][]) {
      p.key(stage, k);
      const want = stepSample(g, data.confidence, data.variability, at, dir);
      if (want >= 0) at = want;
      assert.equal(stage.getAttribute('data-picked'), String(at), k);
    }
    const ring = p.root.querySelector('.run-pick')!;
    const [x, y] = mapPoint(g, data.confidence[at]!, data.variability[at]!);
    assert.deepEqual([Number(ring.getAttribute('cx')), Number(ring.getAttribute('cy')), ring.getAttribute('visibility')], [x, y, 'visible']);
    assert.match(readout.textContent ?? '', new RegExp(`^Sample #${at + 1}: .*\\. Enter opens it in epoch_10\\.csv\\.$`));
    assert.deepEqual(p.posted, [{ type: 'ready' }]);
    p.key(stage, 'Enter');
    assert.deepEqual(p.posted.at(-1), { type: 'openSample', sample: at, file: 9 });
    assert.match(readout.textContent ?? '', /Opening it in epoch_10\.csv…$/);
    // Up from the top edge: nothing there, said, the point kept.
    for (let k = 0; k < 400 && stepSample(g, data.confidence, data.variability, at, 'up') >= 0; k++) {
      p.key(stage, 'ArrowUp');
      at = Number(stage.getAttribute('data-picked'));
    }
    p.key(stage, 'ArrowUp');
    assert.equal(stage.getAttribute('data-picked'), String(at));
    assert.match(readout.textContent ?? '', /^No point above: Sample #/);
  });

  it('the live line names a file left out with its line and column, and a failed read again, the run kept', () => {
    const p = page();
    p.send({ type: 'run', data });
    p.send({ type: 'live', notice: { waiting: [], incomplete: [], leftOut: [{ name: 'epoch_7.csv', why: 'run/order/epoch_7.csv:7:21: expected 5 fields (as in the header), found 3' }], added: 'epoch_6.csv added: the run read again in 0.31 s' } });
    const left = p.root.querySelector('[data-testid="run-live-left-out"]')!;
    assert.equal(left.getAttribute('data-file'), 'epoch_7.csv');
    assert.equal(left.textContent, 'epoch_7.csv left out: run/order/epoch_7.csv:7:21: expected 5 fields (as in the header), found 3.');
    assert.equal(p.root.querySelector('[data-testid="run-live"]')!.getAttribute('aria-live'), 'polite');
    assert.ok(p.root.querySelector('[data-testid="run-ready"]'), 'the run is still shown');
    p.send({ type: 'live', notice: { waiting: [], incomplete: [], failed: 'Reading the run again for epoch_1.csv failed: run/order/epoch_1.csv:4:3: expected 5 fields (as in the header), found 2. The run shown is the one read before' } });
    assert.match(p.root.querySelector('[data-testid="run-live-failed"]')!.textContent ?? '', /^Reading the run again for epoch_1\.csv failed: .*epoch_1\.csv:4:3: .*The run shown is the one read before\.$/);
    assert.equal(p.root.querySelectorAll('[data-testid="run-live-left-out"]').length, 0);
    assert.ok(p.root.querySelector('[data-testid="run-mean-chart"]'));
  });
});
