/**
 * Clipping's share (issue 14, item 3) against scripts/fixtures/gen_clipping.py (torch 1.13 for
 * PyTorch, numpy for the eps clips): under each preset, the file's mean, the samples its floor bit
 * (how many at p = 0) and their share of the loss, and every other preset's mean as the clipping
 * report gives it from one pass, read through the whole analysis as the CLI reads the files.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, analyzePart, type AnalysisRequest } from '../../src/core/analyze';
import { BreakdownAccumulator, type AccumulatorState } from '../../src/core/breakdown';
import { bytesSource } from '../../src/core/parse';
import { PRESET_NAMES, type PresetName } from '../../src/core/types';
import { clippingLines } from '../../src/shared/render';
import { derive } from '../../src/core/derivation';
import { lossUnderPresets } from '../../src/core/losses';
import { rowHoverMarkdown } from '../../src/extension/explain/hover-content';
import { CLASSIC_REQUEST } from './breakdown-helpers';

interface PresetRef {
  mean: number | 'Infinity';
  clipped: number;
  clippedAtZero: number;
  clippedSum: number;
  share: number | null;
}
interface Reference {
  file: string;
  kind: string;
  presets: Record<PresetName, PresetRef>;
}

const DIR = join('test', 'fixtures', 'clipping');
const value = (x: number | 'Infinity' | null): number => (x === 'Infinity' ? Infinity : x === null ? Number.NaN : x);

function close(actual: number, expected: number, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.ok(Object.is(actual, expected), `${what}: ${actual} vs ${expected}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

const request = (preset: PresetName): AnalysisRequest => ({ ...CLASSIC_REQUEST, loss: { ...CLASSIC_REQUEST.loss, preset } });

describe('clipping share against PyTorch and numpy (scripts/fixtures/gen_clipping.py)', () => {
  for (const name of ['binary', 'categorical', 'multilabel']) {
    describe(name, () => {
      const ref = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Reference;
      const bytes = new Uint8Array(readFileSync(ref.file));
      for (const preset of PRESET_NAMES) {
        it(`under ${preset}: its mean, the samples its floor bit and their share; every preset's mean`, async () => {
          const a = await analyze(bytesSource(ref.file, bytes), request(preset));
          assert.equal(a.layout.kind, ref.kind);
          const own = ref.presets[preset];
          close(a.breakdown.mean, value(own.mean), 'mean');
          const c = a.breakdown.clipping;
          assert.ok(c !== null);
          assert.equal(c.preset, preset);
          assert.equal(c.clipped, own.clipped);
          assert.equal(c.clippedAtZero, own.clippedAtZero);
          close(c.clippedSum, own.clippedSum, 'clipped sum');
          close(c.share, value(own.share), 'share');
          for (const other of PRESET_NAMES) {
            const mean: number | null = c.presets[other].mean;
            // Keras renormalises categorical rows (these sum to 1 only up to rounding): its mean and the others' are not comparable.
            const comparable = ref.kind !== 'ce' || (other === 'keras') === (preset === 'keras');
            if (!comparable) assert.equal(mean, null, `${other} from ${preset}`);
            else close(mean as number, value(ref.presets[other].mean), `${other}'s mean from ${preset}`);
          }
        });
      }
    });
  }

  it('the file\'s presets line and the sentence naming the samples that make the gap', async () => {
    const ref = JSON.parse(readFileSync(join(DIR, 'binary.json'), 'utf8')) as Reference;
    const a = await analyze(bytesSource(ref.file, new Uint8Array(readFileSync(ref.file))), CLASSIC_REQUEST);
    const lines = clippingLines(a.breakdown.clipping, 'bce');
    assert.ok(lines !== null);
    assert.equal(lines.means, 'Classic log loss 1.894 · PyTorch 3.754 · Keras 1.157 · scikit-learn 1.949 · No clipping Infinity');
    const share = ((ref.presets.classic.share as number) * 100).toFixed(1);
    const own = ref.presets.classic;
    assert.deepEqual([own.clipped, own.clippedAtZero, share], [11, 8, '66.9']);
    assert.equal(lines.why, "1.894 vs 3.754 (PyTorch): 11 samples with p below 1e-15 on the true class (8 at p = 0) hit the classic preset's clip and carry 66.9% of its loss.");
  });

  it('the presets line reads the same from a report that went through JSON (Infinity as null)', async () => {
    const ref = JSON.parse(readFileSync(join(DIR, 'binary.json'), 'utf8')) as Reference;
    const a = await analyze(bytesSource(ref.file, new Uint8Array(readFileSync(ref.file))), CLASSIC_REQUEST);
    const viaJson = JSON.parse(JSON.stringify(a.breakdown.clipping)) as typeof a.breakdown.clipping;
    assert.equal(viaJson?.presets.none.mean, null);
    assert.deepEqual(clippingLines(viaJson, 'bce', { style: 'markdown' }), clippingLines(a.breakdown.clipping, 'bce', { style: 'markdown' }));
    assert.match(clippingLines(viaJson, 'bce', { style: 'markdown' })!.means, /No clipping ∞$/);
  });

  it('the row hover carries the file\'s presets line (Markdown: infinity as the sign)', async () => {
    const ref = JSON.parse(readFileSync(join(DIR, 'categorical.json'), 'utf8')) as Reference;
    const a = await analyze(bytesSource(ref.file, new Uint8Array(readFileSync(ref.file))), CLASSIC_REQUEST);
    const sample = { prediction: [0, 1, 0, 0], target: 0 };
    const md = rowHoverMarkdown({
      derivation: derive(sample, a.options, 4, a.layout.classNames),
      presetValues: lossUnderPresets(sample, a.options, 4),
      line: 2,
      row: 0,
      filePresets: clippingLines(a.breakdown.clipping, 'ce', { style: 'markdown' }),
    });
    const c = ref.presets.classic;
    assert.match(md, /Under each preset: Classic log loss 34\.54 · PyTorch ∞ · Keras 16\.12 · scikit-learn 36\.04 · No clipping ∞/);
    assert.ok(md.includes(`The file's mean under each preset: Classic log loss 3.107 · PyTorch ∞ · Keras not given (renormalises the rows otherwise) · scikit-learn 3.169 · No clipping ∞. 3.107 vs 3.169 (scikit-learn): ${c.clipped} samples with p below 1e-15 on the true class (${c.clippedAtZero} at p = 0) hit the classic preset's clip and carry ${((c.share as number) * 100).toFixed(1)}% of its loss.`), md);
  });

  it('merges: the states of a file\'s two halves give the whole file\'s clipping report', async () => {
    const ref = JSON.parse(readFileSync(join(DIR, 'multilabel.json'), 'utf8')) as Reference;
    const [header, ...rows] = readFileSync(ref.file, 'utf8').trimEnd().split('\n');
    const csv = (lines: string[]) => bytesSource('part.csv', new TextEncoder().encode([header, ...lines].join('\n') + '\n'));
    const half = Math.floor(rows.length / 2);
    const whole = (await analyze(csv(rows), CLASSIC_REQUEST)).breakdown.clipping;
    const first = await analyzePart(csv(rows.slice(0, half)), CLASSIC_REQUEST);
    const second = await analyzePart(csv(rows.slice(half)), CLASSIC_REQUEST);
    const merged = BreakdownAccumulator.fromJSON(JSON.parse(JSON.stringify(first.state)) as AccumulatorState);
    merged.merge(second.state);
    const c = merged.result().clipping;
    assert.ok(c !== null && whole !== null);
    assert.ok(c.clipped > 0 && c.contested >= c.clipped);
    assert.deepEqual([c.contested, c.clipped, c.clippedAtZero], [whole.contested, whole.clipped, whole.clippedAtZero]);
    close(c.clippedSum, whole.clippedSum, 'clipped sum');
    for (const name of PRESET_NAMES) close(c.presets[name].contestedSum, whole.presets[name].contestedSum, name);
  });
});
