import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { classFilter, confusionScores, foldConfusion, mostConfusedClasses, rankConfusedPairs } from '../../src/core/confusion-summary';

/** Written by scripts/fixtures/gen_confusion_summary.py (numpy). */
interface Case {
  names: string[];
  matrix: number[][];
  limit: number;
  n: number;
  query: string;
  pairs: { true: number; predicted: number; count: number; share: number }[];
  cells: number;
  samples: number;
  scores: number[];
  most: number[];
  folded: { classes: number[]; folded: number; matrix: number[][] };
}

const { cases } = JSON.parse(readFileSync('test/fixtures/confusion/summary.json', 'utf8')) as { cases: Case[] };

describe('confusion summary: confused pairs, most confused classes, the folded matrix', () => {
  it('ranks a hand-checked 3 x 3 matrix: count, then share of the true class, then indices', () => {
    // Row sums 6, 10, 11: 1 -> 0 and 1 -> 2 count 3 (share 0.3 each: by index), 2 -> 1 count 2
    // (2/11), then 0 -> 1 count 1 (1/6), left out by the limit.
    const m = [[5, 1, 0], [3, 4, 3], [0, 2, 9]];
    assert.deepEqual(rankConfusedPairs(m, 3), {
      pairs: [
        { true: 1, predicted: 0, count: 3, share: 0.3 },
        { true: 1, predicted: 2, count: 3, share: 0.3 },
        { true: 2, predicted: 1, count: 2, share: 2 / 11 },
      ],
      cells: 4,
      samples: 9,
    });
    // Off-diagonal row + column sums: class 0: 1 + 3, class 1: 6 + 3, class 2: 2 + 3.
    assert.deepEqual(confusionScores(m), [4, 9, 5]);
    assert.deepEqual(mostConfusedClasses(m, 2), [1, 2]);
    assert.deepEqual(foldConfusion(m, [2, 1]), { classes: [1, 2], folded: 1, matrix: [[4, 3, 3], [2, 9, 0], [1, 0, 5]] });
    assert.deepEqual(foldConfusion(m, [0, 1, 2]), { classes: [0, 1, 2], folded: 0, matrix: m });
  });

  it('breaks a tie in count by the share: the smaller class confused more often comes first', () => {
    const m = [[8, 2, 0], [0, 0, 0], [0, 2, 1]];
    assert.deepEqual(rankConfusedPairs(m, 5).pairs.map((p) => [p.true, p.predicted]), [[2, 1], [0, 1]]);
  });

  cases.forEach((c, i) => {
    const k = c.names.length;
    const filter = classFilter(c.query, c.names);
    it(`case ${i} (${k} classes, limit ${c.limit}, ${c.query ? `filter "${c.query}"` : 'no filter'}): numpy's pairs, scores, classes and folded matrix`, () => {
      assert.equal(filter === undefined, c.query.trim() === '');
      const ranked = rankConfusedPairs(c.matrix, c.limit, filter);
      assert.deepEqual(ranked, { pairs: c.pairs, cells: c.cells, samples: c.samples });
      assert.deepEqual(confusionScores(c.matrix), c.scores);
      const most = mostConfusedClasses(c.matrix, c.n, filter);
      assert.deepEqual(most, c.most);
      assert.deepEqual(foldConfusion(c.matrix, most), c.folded);
    });
  });

  it('keeps the same top pairs whatever the limit (the candidates cut back while scanning)', () => {
    const c = cases[1] as Case;
    const all = rankConfusedPairs(c.matrix, 100_000).pairs;
    assert.equal(all.length, c.cells);
    for (const limit of [1, 2, 7, 25, 300]) assert.deepEqual(rankConfusedPairs(c.matrix, limit).pairs, all.slice(0, limit));
    assert.deepEqual(rankConfusedPairs(c.matrix, 0), { pairs: [], cells: c.cells, samples: c.samples });
  });

  it('filters classes by comma-separated parts anywhere in the name, ignoring case', () => {
    const names = ['Tabby_Cat', 'cat', 'dog', 'hotdog', 'x'];
    const f = classFilter(' DOG , tabby', names);
    assert.ok(f);
    assert.deepEqual(names.map((_, k) => f(k)), [true, false, true, true, false]);
    assert.equal(classFilter(' , ', names), undefined);
    assert.equal(classFilter('cat', names)?.(9), false);
  });
});
