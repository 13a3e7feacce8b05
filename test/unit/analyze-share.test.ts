/**
 * Split reads by pieces (analyzeShare / mergeShares): readers claim pieces in turn from one
 * counter, each fills one accumulator, and the merge equals one pass over the file.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { analyze, analyzeShare, inferFileLayout, mergeShares, AnalysisError, type AnalysisRequest } from '../../src/core/analyze';
import { bytesSource, type ByteRange } from '../../src/core/parse';

const request = (rest: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
  loss: { preset: 'classic', labelSmoothing: 0, reduction: 'mean', base: 'e' },
  overrides: {},
  skipInvalid: false,
  topK: 8,
  calibrationBins: 15,
  ...rest,
});

const source = (path: string) => bytesSource(path, new Uint8Array(readFileSync(path)));

/** Equal pieces, small enough that every reader gets several. */
function pieces(size: number, n: number): ByteRange[] {
  return Array.from({ length: n }, (_, i) => ({ start: Math.floor((size * i) / n), end: Math.floor((size * (i + 1)) / n) }));
}

describe('analyzeShare: pieces claimed by several readers', () => {
  for (const path of ['samples/binary.csv', 'samples/digits.csv']) {
    it(`${path}: readers taking interleaved pieces give the one-pass analysis`, async () => {
      const src = source(path);
      const req = request();
      const whole = await analyze(src, req);
      const layout = await inferFileLayout(src, req);
      const size = readFileSync(path).length;
      for (const [n, readers] of [[5, 2], [9, 3]] as const) {
        const ranges = pieces(size, n);
        let next = 0;
        // Readers run concurrently (each awaits its reads), so the pieces they get interleave.
        const shares = await Promise.all(
          Array.from({ length: readers }, () => analyzeShare(src, req, { layout, ranges, claim: () => next++ })),
        );
        assert.ok(shares.every((s) => s.pieces.length > 0), 'every reader got a piece');
        assert.equal(shares.reduce((k, s) => k + s.pieces.length, 0), n);
        const merged = mergeShares(src.name, layout, req, shares);
        assert.equal(merged.rows, whole.rows);
        assert.equal(merged.breakdown.count, whole.breakdown.count);
        assert.deepEqual(merged.breakdown.worst, whole.breakdown.worst, `${n} pieces`);
        assert.deepEqual(merged.breakdown.confusion, whole.breakdown.confusion);
        assert.deepEqual(merged.breakdown.histogram, whole.breakdown.histogram);
        assert.ok(Math.abs(merged.value - whole.value) <= 1e-12 * whole.value, `${merged.value} vs ${whole.value}`);
        assert.ok(Math.abs(merged.breakdown.meanEntropy - whole.breakdown.meanEntropy) <= 1e-12);
      }
    });
  }

  it('a bad row in a later piece is reported on its file line', async () => {
    const lines = ['label,p'];
    for (let i = 0; i < 400; i++) lines.push(`${i % 2},0.${(i % 9) + 1}`);
    lines[301] = '1,oops';
    const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
    const src = bytesSource('bad.csv', bytes);
    const req = request();
    const layout = await inferFileLayout(src, req);
    const ranges = pieces(bytes.length, 6);
    let next = 0;
    const shares = await Promise.all([0, 1].map(() => analyzeShare(src, req, { layout, ranges, claim: () => next++ })));
    assert.throws(
      () => mergeShares(src.name, layout, req, shares),
      (err: unknown) => err instanceof AnalysisError && err.problems[0]!.line === 302 && err.problems[0]!.column === 3,
    );
  });

  it('refuses shares that lost a piece', async () => {
    const src = source('samples/binary.csv');
    const req = request();
    const layout = await inferFileLayout(src, req);
    const ranges = pieces(readFileSync('samples/binary.csv').length, 4);
    const claims = [0, 1, 3];
    const share = await analyzeShare(src, req, { layout, ranges, claim: () => claims.shift() ?? -1 });
    assert.deepEqual(share.pieces.map((p) => p.index), [0, 1, 3]);
    assert.throws(() => mergeShares(src.name, layout, req, [share]), /lost a piece/);
  });
});
