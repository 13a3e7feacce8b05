import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { extensionLogReport, openWorkbench, sharedServer, type E2EServer, type Workbench } from './harness';
import { EXTENSION_ID } from './expected';

interface Point {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
}
interface CliReport {
  clipping: { clipped: number; clippedAtZero: number; share: number };
  operatingPoints: { curves: { auc: number; ap: number; points: Point[] }[] };
}

/** epoch_2.csv: a binary spam classifier whose 4 predictions of exactly 0 or 1 on the truth set the presets apart. */
const r = spawnSync(process.execPath, ['dist/cli.js', 'samples/epoch_2.csv', '--json'], { encoding: 'utf8' });
assert.equal(r.status, 0, r.stderr);
const report = JSON.parse(r.stdout) as CliReport;
const curve = report.operatingPoints.curves[0]!;

describe('operating points and clipping\'s share in code-server, dark and light', function () {
  let server: E2EServer;
  let wb: Workbench;

  before(async function () {
    server = await sharedServer();
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
  });

  const view = () => wb.visibleWebview();
  const readout = async (): Promise<number[]> =>
    Promise.all(['threshold', 'tp', 'fp', 'fn', 'tn', 'precision', 'recall'].map(async (k) => Number(await view().locator(`[data-testid="op-${k}"]`).getAttribute('data-value'))));
  const expected = (p: Point): number[] => [p.threshold, p.tp, p.fp, p.fn, p.tn, p.precision, p.recall];

  for (const theme of ['dark', 'light'] as const) {
    it(`shows the ROC and PR curves, moves the threshold read-out, and says which samples make the presets' gap (${theme})`, async function () {
      await wb.setTheme(theme);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile('epoch_2.csv');
      await wb.runCommand('Loss Lens: Open Dashboard');

      const why = view().locator('[data-testid="presets-gap-why"]');
      await why.waitFor({ state: 'visible', timeout: 60_000 });
      const share = `${(report.clipping.share * 100).toFixed(1)}%`;
      assert.equal(await why.innerText(), `0.8382 vs 1.493 (PyTorch): ${report.clipping.clipped} samples with p = 0 on the true class hit the classic preset's clip and carry ${share} of its loss.`);
      assert.match(await view().locator('[data-testid="presets-gap"]').innerText(), /Classic log loss 0\.8382 · PyTorch 1\.493 · Keras 0\.654 · scikit-learn 0\.8533 · No clipping ∞/);
      await why.scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`presets-gap-${theme}`);

      const section = view().locator('#operating-points');
      await section.scrollIntoViewIfNeeded();
      assert.equal(Number(await view().locator('[data-testid="op-auc"]').getAttribute('data-value')), curve.auc);
      assert.equal(Number(await view().locator('[data-testid="op-ap"]').getAttribute('data-value')), curve.ap);
      assert.ok((await view().locator('[data-testid="roc-curve"] path.op-curve').getAttribute('d'))!.length > 100);
      // It opens at 0.5, where the counts are the confusion matrix's.
      assert.deepEqual(await readout(), expected(curve.points.find((p) => p.threshold === 0.5)!));
      await wb.parkMouse();
      await wb.screenshot(`operating-points-${theme}`);

      // The keyboard moves the slider: Home is the lowest threshold (every sample positive), then two steps up.
      const slider = view().locator('[data-testid="op-slider"]');
      await slider.focus();
      await wb.page.keyboard.press('Home');
      const lowest = curve.points[curve.points.length - 1]!;
      assert.deepEqual(await readout(), expected(lowest));
      assert.deepEqual([lowest.fn, lowest.tn], [0, 0]);
      await wb.page.keyboard.press('ArrowRight');
      await wb.page.keyboard.press('ArrowRight');
      assert.deepEqual(await readout(), expected(curve.points[curve.points.length - 3]!));
      await wb.page.keyboard.press('End');
      assert.deepEqual(await readout(), expected(curve.points[0]!));
      // The highest threshold is within 1e-4 of 1 (samples at p = 1.0000): said as its distance from 1, not as "1.0000".
      assert.equal(await view().locator('[data-testid="op-threshold"]').innerText(), `1 − ${(1 - curve.points[0]!.threshold).toExponential(1)}`);
      await wb.screenshot(`operating-points-slider-${theme}`);
    });
  }

  /** samples/multilabel.csv: three labels, each with its own curves, picked from a list. */
  const ml = spawnSync(process.execPath, ['dist/cli.js', 'samples/multilabel.csv', '--json'], { encoding: 'utf8' });
  assert.equal(ml.status, 0, ml.stderr);
  const mlCurves = (JSON.parse(ml.stdout) as CliReport).operatingPoints.curves as (CliReport['operatingPoints']['curves'][number] & { name: string })[];

  for (const theme of ['dark', 'light'] as const) {
    it(`picks a label of a multi-label file and shows its curves (${theme})`, async function () {
      await wb.setTheme(theme);
      await wb.runCommand('View: Close All Editor Groups');
      await wb.openFile('multilabel.csv');
      await wb.runCommand('Loss Lens: Open Dashboard');
      const section = view().locator('#operating-points');
      await section.waitFor({ state: 'visible', timeout: 60_000 });
      const auc = async () => Number(await view().locator('[data-testid="op-auc"]').getAttribute('data-value'));
      assert.equal(await auc(), mlCurves[0]!.auc);
      // The macro mean over the labels, as --fail-if auc and ap read it.
      const macro = view().locator('[data-testid="op-macro"]');
      assert.equal(Number(await macro.getAttribute('data-auc')), mlCurves.reduce((s, c) => s + c.auc, 0) / mlCurves.length);
      assert.match(await macro.innerText(), /^Macro mean over the 3 labels \(what --fail-if auc and ap read\): ROC AUC 0\.\d{4}, average precision 0\.\d{4}$/);
      await view().locator('[data-testid="op-label"]').selectOption({ label: mlCurves[1]!.name });
      assert.equal(await view().locator('[data-testid="op-body"]').getAttribute('data-label'), mlCurves[1]!.name);
      assert.equal(await auc(), mlCurves[1]!.auc);
      assert.equal(Number(await view().locator('[data-testid="op-ap"]').getAttribute('data-value')), mlCurves[1]!.ap);
      await section.scrollIntoViewIfNeeded();
      await wb.parkMouse();
      await wb.screenshot(`operating-points-multilabel-${theme}`);
    });
  }

  it('logged no extension error', function () {
    assert.deepEqual(extensionLogReport(server.extensionHostLogs(), EXTENSION_ID).errors, []);
  });
});
